/* The native .i2v format, version 2: everything a query, a recommendation
 * or a resumed training needs, laid out so that a reader can memory-map the
 * file and use the arrays in place.  All values are little-endian.
 *
 *   offset size  header field
 *        0    8  magic 89 'I' '2' 'V' 0d 0a 1a 0a (bytes that text-mode
 *                transfers and line-ending conversions mangle)
 *        8    4  version (2; version 1 files are read too)
 *       12    4  header size in bytes (512)
 *       16    8  file size in bytes
 *       24    8  items n
 *       32    4  dimensions d
 *       36    4  flags: 1 output vectors, 2 counts, 4 training parameters,
 *                8 successors, 16 graph
 *       40    8  index slots (a power of two, > n)
 *       48   72  training parameters: window, negative, epochs, threads
 *                (u32); min_count, max_vocab (u64); alpha, min_alpha,
 *                sample, ns_exponent (f64); seed (u64)
 *      120    4  successors kept per item (u32)
 *      124    4  architecture: 0 skip-gram, 1 CBOW (u32)
 *      128  320  section table: 10 x {offset, size, checksum, reserved} (u64)
 *      448    8  recommend: blend (f64)
 *      456    4  recommend: context (u32)
 *      460    4  trained deterministically: 1, else 0 (u32)
 *      464   40  reserved, zero
 *      504    8  checksum of header bytes 0..503
 *
 * Version 1 is the same with an 8-entry table (bytes 384..504 and
 * 120..128 zero): no successors, and the recommend defaults of today.
 *
 * Sections follow in this order, each starting at a multiple of 64 bytes
 * (zero padding between), so float rows are aligned for SIMD loads; the
 * file ends where the last non-empty section ends, so an empty section at
 * the end may start up to 63 bytes past the end of the file:
 *
 *   0 name offsets  u64[n]  where item i's name starts in section 2
 *   1 name lengths  u32[n]
 *   2 names         the names in id order, each followed by a NUL byte
 *   3 counts        u64[n]  (empty without flag 2)
 *   4 norms         f32[n]  L2 norm of each input vector
 *   5 index         u32[slots] item id + 1, 0 = empty; open addressing
 *                   by i2v_hash_bytes (hash.h), linear probing, items
 *                   inserted in id order (model_build_index)
 *   6 input         f32[n x d] row-major: the embeddings
 *   7 output        f32[n x d] (empty without flag 1): context weights,
 *                   kept so that training can resume
 *   8 successors    (empty without flag 8) u64 start[n + 1], u64 total[n],
 *                   then start[n] pairs {u32 item, u32 count}: item i's
 *                   successors are pairs start[i] .. start[i + 1], most
 *                   frequent first, ties by item; total[i] transitions
 *                   out of item i were counted
 *   9 graph         (empty without flag 16) the nearest-neighbour index,
 *                   laid out as query/hnsw.h describes; it records the
 *                   checksum of the input vectors it was built for, and
 *                   a graph whose vectors changed is ignored (stale)
 *
 * The small sections come first so that opening a file reads one
 * contiguous prefix.  Opening checks the header, the bounds, sizes and
 * alignment of every section and the checksums of sections 0-5; the
 * vectors are checked by model_verify_native (`info --verify`,
 * `convert`), the successors when first needed (model_check_successors),
 * so one query never reads the whole file.
 *
 * The checksum is this file's own: eight lanes over 64-bit words, each
 * word folded in by xor, a multiply by an odd constant and an xor-shift.
 * Each step is invertible, so a change confined to one word always changes
 * the sum; anything else collides with odds near 2^-64. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/quote.h"
#include "util/hash.h"
#include "model/formats.h"
#include "util/vec.h"

#define NATIVE_MAGIC "\x89I2V\r\n\x1a\n"
#define NATIVE_MAGIC_BYTES 8
#define NATIVE_VERSION 2u
#define NATIVE_OLDEST_VERSION 1u
#define NATIVE_HEADER_BYTES 512u
#define NATIVE_CHECKSUM_AT (NATIVE_HEADER_BYTES - 8u)
#define NATIVE_ALIGN 64u
#define NATIVE_TABLE_AT 128u
#define NATIVE_ENTRY_BYTES 32u

enum { FLAG_OUTPUT = 1u, FLAG_COUNTS = 2u, FLAG_PARAMS = 4u, FLAG_SUCCESSORS = 8u,
       FLAG_GRAPH = 16u, FLAGS_KNOWN = 31u, FLAGS_KNOWN_V1 = 7u };

enum {
    SEC_NAME_OFFSETS, SEC_NAME_LENGTHS, SEC_NAMES, SEC_COUNTS,
    SEC_NORMS, SEC_INDEX, SEC_INPUT, SEC_OUTPUT, SEC_SUCCESSORS, SEC_GRAPH, SEC_COUNT
};

/* Version 1 files have the first 8 sections only. */
#define SEC_COUNT_V1 SEC_SUCCESSORS

/* Header fields of version 2. */
#define HEADER_SUCCESSORS_AT 120u
#define HEADER_CBOW_AT 124u
#define HEADER_BLEND_AT 448u
#define HEADER_CONTEXT_AT 456u
#define HEADER_DETERMINISTIC_AT 460u

/* Sections 0..SEC_SMALL_END-1 are checked on every open. */
#define SEC_SMALL_END SEC_INPUT

static const char *const section_name[SEC_COUNT] = {
    "name offsets", "name lengths", "names", "counts",
    "norms", "index", "input vectors", "output vectors", "successors", "graph",
};

/* ---- checksum ------------------------------------------------------ */

#define CHECKSUM_LANES 8
#define CHECKSUM_BLOCK (CHECKSUM_LANES * 8)
#define CHECKSUM_MULTIPLIER 0x9fb21c651e98df25ull

typedef struct checksum_state {
    uint64_t lane[CHECKSUM_LANES];
    unsigned char pending[CHECKSUM_BLOCK];
    size_t pending_len;
    uint64_t total;
} checksum_state;

static void checksum_init(checksum_state *c)
{
    memset(c, 0, sizeof *c);
    for (int l = 0; l < CHECKSUM_LANES; l++)
        c->lane[l] = 0x243f6a8885a308d3ull * (uint64_t)(2 * l + 1);
}

static void checksum_blocks(checksum_state *c, const unsigned char *p, size_t blocks)
{
    uint64_t lane[CHECKSUM_LANES];
    memcpy(lane, c->lane, sizeof lane);
    for (size_t b = 0; b < blocks; b++, p += CHECKSUM_BLOCK) {
        for (int l = 0; l < CHECKSUM_LANES; l++) {
            uint64_t w;
            memcpy(&w, p + 8 * l, 8);
            uint64_t x = (lane[l] ^ w) * CHECKSUM_MULTIPLIER;
            lane[l] = x ^ (x >> 31);
        }
    }
    memcpy(c->lane, lane, sizeof lane);
}

static void checksum_update(checksum_state *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len == 0)
        return;
    c->total += len;
    if (c->pending_len) {
        size_t take = CHECKSUM_BLOCK - c->pending_len;
        if (take > len)
            take = len;
        memcpy(c->pending + c->pending_len, p, take);
        c->pending_len += take;
        p += take;
        len -= take;
        if (c->pending_len < CHECKSUM_BLOCK)
            return;
        checksum_blocks(c, c->pending, 1);
        c->pending_len = 0;
    }
    checksum_blocks(c, p, len / CHECKSUM_BLOCK);
    p += len / CHECKSUM_BLOCK * CHECKSUM_BLOCK;
    len %= CHECKSUM_BLOCK;
    memcpy(c->pending, p, len);
    c->pending_len = len;
}

static uint64_t checksum_final(checksum_state *c)
{
    if (c->pending_len) {
        memset(c->pending + c->pending_len, 0, CHECKSUM_BLOCK - c->pending_len);
        checksum_blocks(c, c->pending, 1);
    }
    /* The length goes in last: zero padding alone never matches. */
    uint64_t h = i2v_hash_mix(c->total ^ 0x6a09e667f3bcc908ull);
    for (int l = 0; l < CHECKSUM_LANES; l++)
        h = i2v_hash_mix(h ^ c->lane[l]) * CHECKSUM_MULTIPLIER;
    return i2v_hash_mix(h);
}

static uint64_t checksum_of(const void *data, size_t len)
{
    checksum_state c;
    checksum_init(&c);
    checksum_update(&c, data, len);
    return checksum_final(&c);
}

uint64_t model_checksum(const void *data, size_t len) { return checksum_of(data, len); }

/* ---- little-endian fields ------------------------------------------ */

static void put_u32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put_f64(unsigned char *p, double v) { memcpy(p, &v, 8); }
static uint32_t get_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static double get_f64(const unsigned char *p) { double v; memcpy(&v, p, 8); return v; }

static uint64_t align_up(uint64_t x) { return (x + NATIVE_ALIGN - 1) / NATIVE_ALIGN * NATIVE_ALIGN; }

/* Header fields that are not in i2v_model itself. */
typedef struct native_layout {
    uint64_t offset[SEC_COUNT], size[SEC_COUNT], checksum[SEC_COUNT];
    uint64_t file_size, slots;
    uint32_t flags;
    uint32_t version;
    int sections;       /* entries in the table: SEC_COUNT, or SEC_COUNT_V1 */
} native_layout;

static void encode_params(unsigned char *h, const i2v_train_params *p)
{
    put_u32(h + 48, p->window);
    put_u32(h + 52, p->negative);
    put_u32(h + 56, p->epochs);
    put_u32(h + 60, p->threads);
    put_u64(h + 64, p->min_count);
    put_u64(h + 72, p->max_vocab);
    put_f64(h + 80, p->alpha);
    put_f64(h + 88, p->min_alpha);
    put_f64(h + 96, p->sample);
    put_f64(h + 104, p->ns_exponent);
    put_u64(h + 112, p->seed);
    put_u32(h + HEADER_SUCCESSORS_AT, p->successors);
    put_u32(h + HEADER_CBOW_AT, p->cbow);
    put_f64(h + HEADER_BLEND_AT, p->blend);
    put_u32(h + HEADER_CONTEXT_AT, p->context);
    put_u32(h + HEADER_DETERMINISTIC_AT, p->deterministic);
}

static void decode_params(const unsigned char *h, uint32_t version, uint32_t dim,
                          i2v_train_params *p)
{
    i2v_train_params_default(p); /* what version 1 does not record */
    p->successors = 0;
    p->dim = dim;
    p->window = get_u32(h + 48);
    p->negative = get_u32(h + 52);
    p->epochs = get_u32(h + 56);
    p->threads = get_u32(h + 60);
    p->min_count = get_u64(h + 64);
    p->max_vocab = get_u64(h + 72);
    p->alpha = get_f64(h + 80);
    p->min_alpha = get_f64(h + 88);
    p->sample = get_f64(h + 96);
    p->ns_exponent = get_f64(h + 104);
    p->seed = get_u64(h + 112);
    if (version >= 2) {
        p->successors = get_u32(h + HEADER_SUCCESSORS_AT);
        p->cbow = get_u32(h + HEADER_CBOW_AT);
        p->blend = get_f64(h + HEADER_BLEND_AT);
        p->context = get_u32(h + HEADER_CONTEXT_AT);
        p->deterministic = get_u32(h + HEADER_DETERMINISTIC_AT);
    }
}

static void encode_header(unsigned char *h, const i2v_model *m, const native_layout *l)
{
    memset(h, 0, NATIVE_HEADER_BYTES);
    memcpy(h, NATIVE_MAGIC, NATIVE_MAGIC_BYTES);
    put_u32(h + 8, NATIVE_VERSION);
    put_u32(h + 12, NATIVE_HEADER_BYTES);
    put_u64(h + 16, l->file_size);
    put_u64(h + 24, m->size);
    put_u32(h + 32, m->dim);
    put_u32(h + 36, l->flags);
    put_u64(h + 40, l->slots);
    if (m->has_params)
        encode_params(h, &m->params);
    for (int s = 0; s < SEC_COUNT; s++) {
        unsigned char *e = h + NATIVE_TABLE_AT + (size_t)s * NATIVE_ENTRY_BYTES;
        put_u64(e, l->offset[s]);
        put_u64(e + 8, l->size[s]);
        put_u64(e + 16, l->checksum[s]);
    }
    put_u64(h + NATIVE_CHECKSUM_AT, checksum_of(h, NATIVE_CHECKSUM_AT));
}

/* ---- writing ------------------------------------------------------- */

/* Section 2 and section 0 are generated from the model's names, which
 * may sit anywhere in memory; both passes (checksum, write) walk them
 * through this visitor. */
typedef int (*bytes_sink)(void *state, const void *data, size_t len);

static int checksum_sink(void *state, const void *data, size_t len)
{
    checksum_update(state, data, len);
    return 0;
}

static int emit_names(const i2v_model *m, bytes_sink sink, void *state)
{
    static const char nul = '\0';
    for (uint32_t i = 0; i < m->size; i++)
        if (sink(state, m->names + m->name_offset[i], m->name_length[i]) != 0 ||
            sink(state, &nul, 1) != 0)
            return -1;
    return 0;
}

#define OFFSETS_PER_CHUNK 1024

/* Section 8: the three arrays of the successors, one after the other. */
static int emit_successors(const i2v_model *m, bytes_sink sink, void *state)
{
    uint64_t n = m->size;
    return sink(state, m->succ_start, (n + 1) * 8) != 0 ||
                   sink(state, m->succ_total, n * 8) != 0 ||
                   sink(state, m->succ, m->succ_start[n] * sizeof *m->succ) != 0
               ? -1 : 0;
}

static uint64_t successors_bytes(uint64_t n, uint64_t pairs) { return (2 * n + 1) * 8 + pairs * 8; }

static int emit_name_offsets(const i2v_model *m, bytes_sink sink, void *state)
{
    uint64_t chunk[OFFSETS_PER_CHUNK], next = 0;
    size_t used = 0;
    for (uint32_t i = 0; i < m->size; i++) {
        chunk[used++] = next;
        next += (uint64_t)m->name_length[i] + 1;
        if (used == OFFSETS_PER_CHUNK || i + 1 == m->size) {
            if (sink(state, chunk, used * sizeof *chunk) != 0)
                return -1;
            used = 0;
        }
    }
    return 0;
}

/* The bytes of the sections that are plain arrays of the model. */
static const void *section_array(const i2v_model *m, const float *norms, int s)
{
    switch (s) {
    case SEC_NAME_LENGTHS: return m->name_length;
    case SEC_COUNTS: return m->counts;
    case SEC_NORMS: return norms;
    case SEC_INDEX: return m->index;
    case SEC_INPUT: return m->input;
    case SEC_OUTPUT: return m->output;
    case SEC_GRAPH: return m->graph;
    }
    return NULL;
}

static void plan_layout(const i2v_model *m, const float *norms, native_layout *l)
{
    memset(l, 0, sizeof *l);
    uint64_t n = m->size, row_bytes = (uint64_t)m->dim * sizeof(float);
    uint64_t name_bytes = 0;
    for (uint32_t i = 0; i < m->size; i++)
        name_bytes += (uint64_t)m->name_length[i] + 1;
    l->slots = m->index_slots;
    l->flags = (m->output ? FLAG_OUTPUT : 0) | (m->counts ? FLAG_COUNTS : 0) |
               (m->has_params ? FLAG_PARAMS : 0) | (m->succ ? FLAG_SUCCESSORS : 0);
    l->version = NATIVE_VERSION;
    l->sections = SEC_COUNT;
    l->size[SEC_NAME_OFFSETS] = n * 8;
    l->size[SEC_NAME_LENGTHS] = n * 4;
    l->size[SEC_NAMES] = name_bytes;
    l->size[SEC_COUNTS] = m->counts ? n * 8 : 0;
    l->size[SEC_NORMS] = n * 4;
    l->size[SEC_INDEX] = l->slots * 4;
    l->size[SEC_INPUT] = n * row_bytes;
    l->size[SEC_OUTPUT] = m->output ? n * row_bytes : 0;
    l->size[SEC_SUCCESSORS] = m->succ ? successors_bytes(n, m->succ_start[n]) : 0;
    /* A graph is written only beside the vectors it was built for. */
    uint64_t input_sum = checksum_of(m->input, l->size[SEC_INPUT]);
    if (m->graph && m->graph_size > MODEL_GRAPH_INPUT_SUM_AT + 8) {
        uint64_t built_for;
        memcpy(&built_for, m->graph + MODEL_GRAPH_INPUT_SUM_AT, 8);
        if (built_for == input_sum) {
            l->size[SEC_GRAPH] = m->graph_size;
            l->flags |= FLAG_GRAPH;
        }
    }
    uint64_t at = NATIVE_HEADER_BYTES;
    for (int s = 0; s < SEC_COUNT; s++) {
        l->offset[s] = at;
        at = align_up(at + l->size[s]);
        /* The file ends where the last non-empty section ends, unpadded. */
        if (l->size[s])
            l->file_size = l->offset[s] + l->size[s];
    }
    for (int s = 0; s < SEC_COUNT; s++) {
        if (s == SEC_NAMES || s == SEC_NAME_OFFSETS || s == SEC_SUCCESSORS) {
            checksum_state c;
            checksum_init(&c);
            if (s == SEC_NAMES)
                emit_names(m, checksum_sink, &c);
            else if (s == SEC_NAME_OFFSETS)
                emit_name_offsets(m, checksum_sink, &c);
            else if (m->succ)
                emit_successors(m, checksum_sink, &c);
            l->checksum[s] = checksum_final(&c);
        } else if (s == SEC_INPUT) {
            l->checksum[s] = input_sum;
        } else {
            l->checksum[s] = checksum_of(section_array(m, norms, s), l->size[s]);
        }
    }
}

typedef struct stream_sink {
    FILE *out;
    uint64_t written;
} stream_sink;

static int write_sink(void *state, const void *data, size_t len)
{
    stream_sink *w = state;
    if (len && fwrite(data, 1, len, w->out) != len)
        return -1;
    w->written += len;
    return 0;
}

static int pad_to(stream_sink *w, uint64_t offset)
{
    static const unsigned char zeros[NATIVE_ALIGN];
    while (w->written < offset) {
        uint64_t gap = offset - w->written;
        if (write_sink(w, zeros, gap < NATIVE_ALIGN ? (size_t)gap : NATIVE_ALIGN) != 0)
            return -1;
    }
    return 0;
}

static int write_sections(const i2v_model *m, const float *norms, const native_layout *l,
                          stream_sink *w)
{
    unsigned char header[NATIVE_HEADER_BYTES];
    encode_header(header, m, l);
    if (write_sink(w, header, sizeof header) != 0)
        return -1;
    for (int s = 0; s < SEC_COUNT; s++) {
        if (l->size[s] == 0)
            continue;
        if (pad_to(w, l->offset[s]) != 0)
            return -1;
        int r;
        if (s == SEC_NAMES)
            r = emit_names(m, write_sink, w);
        else if (s == SEC_NAME_OFFSETS)
            r = emit_name_offsets(m, write_sink, w);
        else if (s == SEC_SUCCESSORS)
            r = emit_successors(m, write_sink, w);
        else
            r = write_sink(w, section_array(m, norms, s), l->size[s]);
        if (r != 0)
            return -1;
    }
    return pad_to(w, l->file_size);
}

static i2v_status check_writable(const i2v_model *m, const char *name, i2v_error *err)
{
    if (!m->norms || !m->index)
        return i2v_fail(err, I2V_ERR_INVALID, "%s: internal: the model has no norms or index",
                        name);
    for (uint32_t i = 0; i < m->size; i++) {
        uint32_t len = m->name_length[i];
        if (!isfinite(m->norms[i]))
            return i2v_fail(err, I2V_ERR_INVALID,
                            "%s: item '%.*s' (row %u) has non-finite values; not written", name,
                            I2V_QUOTED(len, m->names + m->name_offset[i]), i + 1);
        if (!i2v_item_name_valid(m->names + m->name_offset[i], len))
            return i2v_fail(err, I2V_ERR_INVALID,
                            "%s: item '%.*s' (row %u): the name holds a blank, a line break or "
                            "a NUL byte; not written", name,
                            I2V_QUOTED(len, m->names + m->name_offset[i]), i + 1);
    }
    return I2V_OK;
}

i2v_status model_write_native(const i2v_model *m, FILE *out, const char *name, i2v_error *err)
{
    if (!model_host_is_little_endian())
        return i2v_fail(err, I2V_ERR_INVALID,
                        "%s: the native format is written on little-endian machines only", name);
    i2v_status st = check_writable(m, name, err);
    if (st != I2V_OK)
        return st;
    native_layout layout;
    plan_layout(m, m->norms, &layout);
    /* Sequential writes only: stdout, pipes and FIFOs work too. */
    stream_sink w = {out, 0};
    errno = 0;
    if (write_sections(m, m->norms, &layout, &w) != 0 || fflush(out) == EOF || ferror(out))
        return i2v_fail_errno(err, errno ? errno : EIO, "%s: write failed", name);
    return I2V_OK;
}

/* ---- reading ------------------------------------------------------- */

static i2v_status corrupt(i2v_error *err, const char *name, const char *what)
{
    return i2v_fail(err, I2V_ERR_FORMAT, "%s: corrupted native model: %s", name, what);
}

static i2v_status check_preamble(const unsigned char *d, size_t len, const char *name,
                                 i2v_error *err)
{
    if (len < NATIVE_MAGIC_BYTES || memcmp(d, NATIVE_MAGIC, NATIVE_MAGIC_BYTES) != 0)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: not an item2vec native model (wrong magic)",
                        name);
    if (len < 16)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: truncated: %zu bytes, shorter than the header",
                        name, len);
    uint32_t version = get_u32(d + 8), header_bytes = get_u32(d + 12);
    if (version < NATIVE_OLDEST_VERSION || version > NATIVE_VERSION)
        return i2v_fail(err, I2V_ERR_FORMAT,
                        "%s: native format version %u is not supported (this build reads "
                        "versions %u to %u)", name, version, NATIVE_OLDEST_VERSION,
                        NATIVE_VERSION);
    if (header_bytes != NATIVE_HEADER_BYTES)
        return corrupt(err, name, "wrong header size");
    if (len < NATIVE_HEADER_BYTES)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: truncated: %zu bytes, shorter than the header",
                        name, len);
    if (get_u64(d + NATIVE_CHECKSUM_AT) != checksum_of(d, NATIVE_CHECKSUM_AT))
        return corrupt(err, name, "header checksum does not match");
    uint64_t file_size = get_u64(d + 16);
    if (len < file_size)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: truncated: %zu of %llu bytes", name, len,
                        (unsigned long long)file_size);
    if (len > file_size)
        return i2v_fail(err, I2V_ERR_FORMAT, "%s: %llu bytes of unexpected data after the model",
                        name, (unsigned long long)(len - file_size));
    return I2V_OK;
}

/* Expected size of each section, or SIZE_AT_LEAST_N for the names (any
 * size of at least one byte per item) and SIZE_FROM_ROWS for the
 * successors (known from their row starts).  n <= I2V_MAX_ITEMS, dim <=
 * I2V_MAX_DIM and slots <= 2^32 keep every product far below 2^64. */
#define SIZE_AT_LEAST_N UINT64_MAX
#define SIZE_FROM_ROWS (UINT64_MAX - 1)
#define SIZE_GRAPH (UINT64_MAX - 2) /* its own header says (query/hnsw.h) */
#define GRAPH_HEADER_BYTES 64u

static void expected_sizes(uint64_t n, uint64_t dim, uint64_t slots, uint32_t flags,
                           uint64_t *size)
{
    size[SEC_NAME_OFFSETS] = n * 8;
    size[SEC_NAME_LENGTHS] = n * 4;
    size[SEC_NAMES] = SIZE_AT_LEAST_N;
    size[SEC_COUNTS] = (flags & FLAG_COUNTS) ? n * 8 : 0;
    size[SEC_NORMS] = n * 4;
    size[SEC_INDEX] = slots * 4;
    size[SEC_INPUT] = n * dim * 4;
    size[SEC_OUTPUT] = (flags & FLAG_OUTPUT) ? n * dim * 4 : 0;
    size[SEC_SUCCESSORS] = (flags & FLAG_SUCCESSORS) ? SIZE_FROM_ROWS : 0;
    size[SEC_GRAPH] = (flags & FLAG_GRAPH) ? SIZE_GRAPH : 0;
}

static i2v_status read_counts(const unsigned char *d, const char *name, uint64_t *n,
                              uint32_t *dim, uint32_t *flags, uint64_t *slots, i2v_error *err)
{
    uint32_t version = get_u32(d + 8);
    *n = get_u64(d + 24);
    *dim = get_u32(d + 32);
    *flags = get_u32(d + 36);
    *slots = get_u64(d + 40);
    if (*n > I2V_MAX_ITEMS)
        return corrupt(err, name, "item count out of range");
    if (*dim < 1 || *dim > I2V_MAX_DIM)
        return corrupt(err, name, "dimensions out of range");
    if (*flags & ~(uint32_t)(version == 1 ? FLAGS_KNOWN_V1 : FLAGS_KNOWN))
        return corrupt(err, name, "unknown flags");
    if (*slots <= *n || *slots > ((uint64_t)1 << 32) || (*slots & (*slots - 1)) != 0)
        return corrupt(err, name, "index size is not a power of two above the item count");
    return I2V_OK;
}

/* The successors section is exactly its row starts, totals and the pairs
 * its last row start counts (read only once the section is in bounds). */
static int successor_rows_fill(const unsigned char *d, const native_layout *l, int s, uint64_t n)
{
    uint64_t fixed = successors_bytes(n, 0), pairs = get_u64(d + l->offset[s] + n * 8);
    return pairs <= (l->size[s] - fixed) / 8 && fixed + pairs * 8 == l->size[s];
}

/* Bounds, order, alignment and sizes of the section table. */
static i2v_status read_table(const unsigned char *d, size_t len, const char *name, uint64_t n,
                             uint32_t dim, uint32_t flags, uint64_t slots, native_layout *l,
                             i2v_error *err)
{
    uint64_t want[SEC_COUNT];
    expected_sizes(n, dim, slots, flags, want);
    uint64_t end_of_previous = NATIVE_HEADER_BYTES;
    char what[128];
    l->version = get_u32(d + 8);
    l->sections = l->version == 1 ? SEC_COUNT_V1 : SEC_COUNT;
    for (int s = 0; s < SEC_COUNT; s++) {
        l->offset[s] = l->size[s] = l->checksum[s] = 0;
        if (s >= l->sections) {
            l->offset[s] = align_up(end_of_previous);
            continue;
        }
        const unsigned char *e = d + NATIVE_TABLE_AT + (size_t)s * NATIVE_ENTRY_BYTES;
        l->offset[s] = get_u64(e);
        l->size[s] = get_u64(e + 8);
        l->checksum[s] = get_u64(e + 16);
        int bad_size = want[s] == SIZE_AT_LEAST_N  ? l->size[s] < n
                       : want[s] == SIZE_FROM_ROWS ? l->size[s] < successors_bytes(n, 0) ||
                                                         l->size[s] % 8 != 0
                       : want[s] == SIZE_GRAPH     ? l->size[s] < GRAPH_HEADER_BYTES ||
                                                         l->size[s] % 4 != 0
                                                   : l->size[s] != want[s];
        if (bad_size)
            snprintf(what, sizeof what, "the %s section has the wrong size", section_name[s]);
        else if (l->offset[s] % NATIVE_ALIGN != 0 || l->offset[s] < end_of_previous)
            snprintf(what, sizeof what, "the %s section is misplaced", section_name[s]);
        else if (l->offset[s] > (l->size[s] ? len : align_up(len)) ||
                 l->size[s] > len - l->offset[s])
            snprintf(what, sizeof what, "the %s section ends beyond the file", section_name[s]);
        else if (want[s] == SIZE_FROM_ROWS && !successor_rows_fill(d, l, s, n))
            snprintf(what, sizeof what, "the %s section has the wrong size", section_name[s]);
        else {
            end_of_previous = l->offset[s] + l->size[s];
            continue;
        }
        return corrupt(err, name, what);
    }
    return I2V_OK;
}

/* Where section s starts in d.  An empty section holds no byte: the
 * writer places it at the aligned end of the previous one, which lies past
 * the end of the file when that is the last one (no output vectors), so
 * it is given the start of the data instead, which is never read. */
static const unsigned char *section_bytes(const unsigned char *d, const native_layout *l, int s)
{
    return l->size[s] ? d + l->offset[s] : d;
}

static i2v_status check_small_sums(const unsigned char *d, const char *name,
                                   const native_layout *l, i2v_error *err)
{
    for (int s = 0; s < SEC_SMALL_END; s++) {
        if (checksum_of(section_bytes(d, l, s), l->size[s]) != l->checksum[s]) {
            char what[128];
            snprintf(what, sizeof what, "checksum of the %s section does not match",
                     section_name[s]);
            return corrupt(err, name, what);
        }
    }
    return I2V_OK;
}

/* What the checksums cannot promise for a file that was written wrong
 * rather than damaged later: names inside their section and terminated,
 * finite norms, index entries naming real items. */
static i2v_status check_contents(const i2v_model *m, uint64_t names_size, const char *name,
                                 i2v_error *err)
{
    for (uint32_t i = 0; i < m->size; i++) {
        uint64_t at = m->name_offset[i], len = m->name_length[i];
        if (len == 0 || at >= names_size || len >= names_size - at || m->names[at + len] != '\0')
            return corrupt(err, name, "an item name lies outside the names section");
        if (!i2v_item_name_valid(m->names + at, len))
            return i2v_fail(err, I2V_ERR_FORMAT,
                            "%s: item %u ('%.*s'): the name holds a blank, a line break or a "
                            "NUL byte, which no sequence or model file can carry",
                            name, i + 1, I2V_QUOTED(len, m->names + at));
        if (!(m->norms[i] >= 0.0f) || !isfinite(m->norms[i]))
            return corrupt(err, name, "a norm is not a finite non-negative number");
    }
    uint64_t used = 0;
    for (uint64_t s = 0; s < m->index_slots; s++) {
        if (m->index[s] > m->size)
            return corrupt(err, name, "the index names an item that does not exist");
        used += m->index[s] != 0;
    }
    if (used != m->size)
        return corrupt(err, name, "the index does not hold every item once");
    if (m->has_params) {
        i2v_error params_err;
        if (i2v_train_params_check(&m->params, &params_err) != I2V_OK)
            return corrupt(err, name, "training parameters out of range");
    }
    return I2V_OK;
}

static void point_into(i2v_model *m, const unsigned char *d, const native_layout *l)
{
    m->name_offset = (const uint64_t *)(const void *)section_bytes(d, l, SEC_NAME_OFFSETS);
    m->name_length = (const uint32_t *)(const void *)section_bytes(d, l, SEC_NAME_LENGTHS);
    m->names = (const char *)section_bytes(d, l, SEC_NAMES);
    m->counts = (l->flags & FLAG_COUNTS)
                    ? (const uint64_t *)(const void *)section_bytes(d, l, SEC_COUNTS) : NULL;
    m->norms = (const float *)(const void *)section_bytes(d, l, SEC_NORMS);
    m->index = (const uint32_t *)(const void *)section_bytes(d, l, SEC_INDEX);
    m->index_slots = l->slots;
    m->input = (const float *)(const void *)section_bytes(d, l, SEC_INPUT);
    m->output = (l->flags & FLAG_OUTPUT)
                    ? (const float *)(const void *)section_bytes(d, l, SEC_OUTPUT) : NULL;
    if (l->flags & FLAG_GRAPH) {
        const unsigned char *g = section_bytes(d, l, SEC_GRAPH);
        uint64_t built_for = get_u64(g + MODEL_GRAPH_INPUT_SUM_AT);
        if (built_for == l->checksum[SEC_INPUT]) {
            m->graph = g;
            m->graph_size = l->size[SEC_GRAPH];
        } else {
            m->graph_stale = 1;
        }
    }
    if (l->flags & FLAG_SUCCESSORS) {
        const unsigned char *p = section_bytes(d, l, SEC_SUCCESSORS);
        m->succ_start = (const uint64_t *)(const void *)p;
        m->succ_total = (const uint64_t *)(const void *)(p + ((uint64_t)m->size + 1) * 8);
        m->succ = (const i2v_successor *)(const void *)(p + (2 * (uint64_t)m->size + 1) * 8);
    }
}

static i2v_status read_layout(const unsigned char *d, size_t len, const char *name,
                              i2v_model *m, native_layout *l, i2v_error *err)
{
    uint64_t n;
    i2v_status st = check_preamble(d, len, name, err);
    if (st == I2V_OK)
        st = read_counts(d, name, &n, &m->dim, &l->flags, &l->slots, err);
    if (st == I2V_OK)
        st = read_table(d, len, name, n, m->dim, l->flags, l->slots, l, err);
    if (st == I2V_OK)
        st = check_small_sums(d, name, l, err);
    if (st != I2V_OK)
        return st;
    m->size = (uint32_t)n;
    m->has_params = (l->flags & FLAG_PARAMS) != 0;
    if (m->has_params)
        decode_params(d, l->version, m->dim, &m->params);
    point_into(m, d, l);
    return I2V_OK;
}

i2v_status model_parse_native(const unsigned char *data, size_t len, const char *name,
                              i2v_model **out, i2v_error *err)
{
    *out = NULL;
    if (!model_host_is_little_endian())
        return i2v_fail(err, I2V_ERR_INVALID,
                        "%s: the native format is read on little-endian machines only", name);
    if (((uintptr_t)data % NATIVE_ALIGN) != 0)
        return i2v_fail(err, I2V_ERR_INVALID, "%s: internal: model bytes are not aligned", name);
    i2v_model *m;
    i2v_status st = model_new(name, &m, err);
    if (st != I2V_OK)
        return st;
    native_layout layout;
    st = read_layout(data, len, name, m, &layout, err);
    if (st == I2V_OK)
        st = check_contents(m, layout.size[SEC_NAMES], name, err);
    if (st != I2V_OK) {
        i2v_model_free(m);
        return st;
    }
    m->format = I2V_FORMAT_NATIVE;
    m->native_bytes = data;
    m->native_len = len;
    m->native_version = layout.version;
    *out = m;
    return I2V_OK;
}

void model_native_reseal(unsigned char *data, size_t len)
{
    if (len < NATIVE_HEADER_BYTES)
        return;
    int sections = get_u32(data + 8) == 1 ? SEC_COUNT_V1 : SEC_COUNT;
    for (int s = 0; s < sections; s++) {
        unsigned char *e = data + NATIVE_TABLE_AT + (size_t)s * NATIVE_ENTRY_BYTES;
        uint64_t offset = get_u64(e), size = get_u64(e + 8);
        if (offset <= len && size <= len - offset)
            put_u64(e + 16, checksum_of(data + offset, (size_t)size));
    }
    put_u64(data + NATIVE_CHECKSUM_AT, checksum_of(data, NATIVE_CHECKSUM_AT));
}

/* ---- the successors ------------------------------------------------ */

static i2v_status bad_successors(const i2v_model *m, uint32_t item, const char *why,
                                 i2v_error *err)
{
    char what[160];
    snprintf(what, sizeof what, "the successors of row %u %s", item + 1, why);
    return corrupt(err, m->source, what);
}

/* What a written file promises of its successors: rows in order, each at
 * most the recorded number long, items that exist, once each, counts from
 * 1 down, ties by item, and no more than the transitions counted. */
static i2v_status check_successor_rows(const i2v_model *m, i2v_error *err)
{
    uint64_t keep = m->has_params && m->params.successors ? m->params.successors
                                                          : I2V_MAX_SUCCESSORS;
    if (m->succ_start[0] != 0)
        return bad_successors(m, 0, "do not start at the first pair", err);
    uint32_t *seen = calloc(m->size ? m->size : 1, sizeof *seen);
    if (!seen)
        return i2v_fail_nomem(err, "checking the successors");
    i2v_status st = I2V_OK;
    for (uint32_t i = 0; i < m->size && st == I2V_OK; i++) {
        uint64_t begin = m->succ_start[i], end = m->succ_start[i + 1], sum = 0;
        if (end < begin || end - begin > keep || end > m->succ_start[m->size]) {
            st = bad_successors(m, i, "are out of order or too many", err);
            break;
        }
        for (uint64_t j = begin; j < end && st == I2V_OK; j++) {
            const i2v_successor *p = &m->succ[j];
            if (p->item >= m->size || p->count == 0)
                st = bad_successors(m, i, "name an item that does not exist, or none", err);
            else if (seen[p->item] == i + 1)
                st = bad_successors(m, i, "list an item twice", err);
            else if (j > begin && (p->count > p[-1].count ||
                                   (p->count == p[-1].count && p->item < p[-1].item)))
                st = bad_successors(m, i, "are not sorted by count", err);
            seen[p->item] = i + 1;
            sum += p->count;
        }
        if (st == I2V_OK && sum > m->succ_total[i])
            st = bad_successors(m, i, "count more transitions than the item has", err);
    }
    free(seen);
    return st;
}

i2v_status model_check_successors(const i2v_model *m, i2v_error *err)
{
    if (!m->succ)
        return I2V_OK;
    if (m->native_bytes) {
        native_layout layout;
        i2v_model scratch;
        memset(&scratch, 0, sizeof scratch);
        i2v_status st = read_layout(m->native_bytes, m->native_len, m->source, &scratch, &layout,
                                    err);
        if (st != I2V_OK)
            return st;
        if (checksum_of(section_bytes(m->native_bytes, &layout, SEC_SUCCESSORS),
                        layout.size[SEC_SUCCESSORS]) != layout.checksum[SEC_SUCCESSORS])
            return corrupt(err, m->source, "checksum of the successors section does not match");
    }
    return check_successor_rows(m, err);
}

/* ---- full verification --------------------------------------------- */

static i2v_status verify_vector_sums(const i2v_model *m, const native_layout *l, i2v_error *err)
{
    for (int s = SEC_SMALL_END; s < l->sections; s++) {
        if (checksum_of(section_bytes(m->native_bytes, l, s), l->size[s]) != l->checksum[s]) {
            char what[128];
            snprintf(what, sizeof what, "checksum of the %s section does not match",
                     section_name[s]);
            return corrupt(err, m->source, what);
        }
    }
    return I2V_OK;
}

static i2v_status verify_rows(const i2v_model *m, const float *rows, const char *what,
                              i2v_error *err)
{
    uint32_t bad = model_first_nonfinite_row(rows, m->dim, 0, m->size);
    if (bad == m->size)
        return I2V_OK;
    uint32_t len = m->name_length[bad];
    return i2v_fail(err, I2V_ERR_FORMAT, "%s: %s of item '%.*s' (row %u) are not all finite",
                    m->source, what,
                    I2V_QUOTED(len, m->names + m->name_offset[bad]), bad + 1);
}

/* Norms within float rounding of the rows; every item found at its own
 * row through the index (so no name appears twice); no NUL in a name. */
static i2v_status verify_norms_and_names(const i2v_model *m, i2v_error *err)
{
    for (uint32_t i = 0; i < m->size; i++) {
        double norm = vec_norm(m->input + (size_t)i * m->dim, m->dim);
        if (fabs(norm - m->norms[i]) > 1e-5 * norm + 1e-30)
            return corrupt(err, m->source, "a stored norm does not match its vector");
        const char *item = m->names + m->name_offset[i];
        if (memchr(item, '\0', m->name_length[i]) != NULL)
            return corrupt(err, m->source, "an item name holds a NUL byte");
        if (i2v_model_find(m, item, m->name_length[i]) != (int64_t)i)
            return corrupt(err, m->source, "the index does not lead to every item");
    }
    return I2V_OK;
}

i2v_status model_verify_native(const i2v_model *m, i2v_error *err)
{
    native_layout layout;
    i2v_model scratch;
    memset(&scratch, 0, sizeof scratch);
    i2v_status st = read_layout(m->native_bytes, m->native_len, m->source, &scratch, &layout, err);
    if (st == I2V_OK)
        st = verify_vector_sums(m, &layout, err);
    if (st == I2V_OK)
        st = verify_rows(m, m->input, "the input vector values", err);
    if (st == I2V_OK && m->output)
        st = verify_rows(m, m->output, "the output vector values", err);
    if (st == I2V_OK)
        st = verify_norms_and_names(m, err);
    if (st == I2V_OK && m->succ)
        st = check_successor_rows(m, err);
    return st;
}

#include "core/vocab.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/hash.h"
#include "core/reader.h"

enum { INITIAL_ITEMS = 1024, INITIAL_ARENA = 1 << 16 };

i2v_status i2v_vocab_create(i2v_vocab **out, i2v_error *err)
{
    *out = NULL;
    i2v_vocab *v = calloc(1, sizeof *v);
    if (!v)
        return i2v_fail_nomem(err, "creating a vocabulary");
    v->cap = INITIAL_ITEMS;
    v->arena_cap = INITIAL_ARENA;
    v->slots = 2 * INITIAL_ITEMS;
    v->arena = malloc(v->arena_cap);
    v->offset = malloc(v->cap * sizeof *v->offset);
    v->length = malloc(v->cap * sizeof *v->length);
    v->count = malloc(v->cap * sizeof *v->count);
    v->slot = calloc(v->slots, sizeof *v->slot);
    if (!v->arena || !v->offset || !v->length || !v->count || !v->slot) {
        i2v_vocab_free(v);
        return i2v_fail_nomem(err, "creating a vocabulary");
    }
    *out = v;
    return I2V_OK;
}

void i2v_vocab_free(i2v_vocab *v)
{
    if (!v)
        return;
    free(v->arena);
    free(v->offset);
    free(v->length);
    free(v->count);
    free(v->slot);
    free(v);
}

static uint64_t hash_of(const i2v_vocab *v, uint32_t id)
{
    return i2v_hash_bytes(v->arena + v->offset[id], v->length[id]);
}

/* Rebuilds the hash table with `slots` slots from the item arrays. */
static i2v_status rehash(i2v_vocab *v, uint64_t slots, i2v_error *err)
{
    vocab_slot *table = calloc(slots, sizeof *table);
    if (!table)
        return i2v_fail_nomem(err, "growing the vocabulary table");
    for (uint32_t id = 0; id < v->size; id++) {
        uint64_t h = hash_of(v, id);
        uint64_t s = h & (slots - 1);
        while (table[s].id_plus_one)
            s = (s + 1) & (slots - 1);
        table[s] = (vocab_slot){h, id + 1, v->length[id]};
    }
    free(v->slot);
    v->slot = table;
    v->slots = slots;
    return I2V_OK;
}

static i2v_status grow_items(i2v_vocab *v, i2v_error *err)
{
    if (v->cap >= I2V_MAX_ITEMS)
        return i2v_fail(err, I2V_ERR_LIMIT, "more than %u distinct items", I2V_MAX_ITEMS);
    uint32_t cap = v->cap > I2V_MAX_ITEMS / 2 ? I2V_MAX_ITEMS : v->cap * 2;
    uint64_t *offset = realloc(v->offset, cap * sizeof *offset);
    if (offset)
        v->offset = offset;
    uint32_t *length = realloc(v->length, cap * sizeof *length);
    if (length)
        v->length = length;
    uint64_t *count = realloc(v->count, cap * sizeof *count);
    if (count)
        v->count = count;
    if (!offset || !length || !count)
        return i2v_fail_nomem(err, "growing the vocabulary");
    v->cap = cap;
    return I2V_OK;
}

static i2v_status arena_append(i2v_vocab *v, const char *item, size_t len, i2v_error *err)
{
    uint64_t need = v->arena_len + len + 1;
    if (need > v->arena_cap) {
        uint64_t cap = v->arena_cap;
        while (cap < need)
            cap *= 2;
        char *bigger = realloc(v->arena, cap);
        if (!bigger)
            return i2v_fail_nomem(err, "storing item names");
        v->arena = bigger;
        v->arena_cap = cap;
    }
    memcpy(v->arena + v->arena_len, item, len);
    v->arena[v->arena_len + len] = '\0';
    v->arena_len = need;
    return I2V_OK;
}

static int64_t find_hashed(const i2v_vocab *v, const char *item, size_t len, uint64_t h,
                           uint64_t *slot_out)
{
    uint64_t mask = v->slots - 1, s = h & mask;
    for (; v->slot[s].id_plus_one; s = (s + 1) & mask) {
        const vocab_slot *slot = &v->slot[s];
        if (slot->hash == h && slot->length == len) {
            uint32_t id = slot->id_plus_one - 1;
            if (memcmp(v->arena + v->offset[id], item, len) == 0) {
                *slot_out = s;
                return id;
            }
        }
    }
    *slot_out = s;
    return -1;
}

i2v_status i2v_vocab_add(i2v_vocab *v, const char *item, size_t len, uint64_t count,
                         uint32_t *id_out, i2v_error *err)
{
    if (len > I2V_MAX_ITEM_BYTES)
        return i2v_fail(err, I2V_ERR_LIMIT, "an item is longer than %u bytes",
                        I2V_MAX_ITEM_BYTES);
    uint64_t h = i2v_hash_bytes(item, len), slot;
    int64_t found = find_hashed(v, item, len, h, &slot);
    if (found >= 0) {
        v->count[found] += count;
        v->total += count;
        if (id_out)
            *id_out = (uint32_t)found;
        return I2V_OK;
    }
    i2v_status st;
    if (v->size == v->cap && (st = grow_items(v, err)) != I2V_OK)
        return st;
    if ((st = arena_append(v, item, len, err)) != I2V_OK)
        return st;
    uint32_t id = v->size++;
    v->offset[id] = v->arena_len - len - 1;
    v->length[id] = (uint32_t)len;
    v->count[id] = count;
    v->total += count;
    v->slot[slot] = (vocab_slot){h, id + 1, (uint32_t)len};
    if ((uint64_t)v->size * 2 > v->slots && (st = rehash(v, v->slots * 2, err)) != I2V_OK)
        return st;
    if (id_out)
        *id_out = id;
    return I2V_OK;
}

i2v_status i2v_vocab_count_stream(i2v_vocab *v, FILE *in, const char *name, i2v_error *err)
{
    seq_reader r;
    i2v_status st = seq_reader_init(&r, in, name, err);
    if (st != I2V_OK)
        return st;
    for (;;) {
        const char *item;
        size_t len;
        seq_event ev = seq_reader_next(&r, &item, &len, err);
        if (ev == SEQ_ITEM) {
            if ((st = i2v_vocab_add(v, item, len, 1, NULL, err)) != I2V_OK) {
                i2v_fail_context(err, "%s: line %llu", name, (unsigned long long)r.line);
                break;
            }
        } else if (ev == SEQ_END) {
            break;
        } else if (ev == SEQ_ERROR) {
            st = err ? err->code : I2V_ERR_IO;
            break;
        }
    }
    seq_reader_free(&r);
    return st;
}

/* Sort key: everything the comparison needs, so qsort needs no context. */
typedef struct sort_entry {
    uint64_t count;
    const char *bytes;
    uint32_t length;
    uint32_t id;
} sort_entry;

static int by_count_then_bytes(const void *pa, const void *pb)
{
    const sort_entry *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    uint32_t n = a->length < b->length ? a->length : b->length;
    int c = memcmp(a->bytes, b->bytes, n);
    if (c)
        return c;
    return (a->length > b->length) - (a->length < b->length);
}

void vocab_pin_all(i2v_vocab *v) { v->pinned = v->size; }

/* Which sorted entries survive: the first `keep_first` provisional ids
 * always, the others while they reach min_count and the cap has room. */
static uint32_t select_kept(sort_entry *order, uint32_t n, uint64_t min_count, uint64_t max_vocab,
                            uint32_t keep_first)
{
    uint64_t room = max_vocab == 0 ? UINT64_MAX : max_vocab;
    room = room > keep_first ? room - keep_first : 0;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
        int keep = order[i].id < keep_first;
        if (!keep && order[i].count >= min_count && room > 0) {
            keep = 1;
            room--;
        }
        if (keep)
            order[kept++] = order[i];
    }
    return kept;
}

i2v_status i2v_vocab_finalize(i2v_vocab *v, uint64_t min_count, uint64_t max_vocab,
                              uint32_t **remap_out, i2v_error *err)
{
    if (remap_out)
        *remap_out = NULL;
    uint32_t n = v->size;
    sort_entry *order = malloc((n ? n : 1) * sizeof *order);
    uint32_t *remap = malloc((n ? n : 1) * sizeof *remap);
    if (!order || !remap) {
        free(order);
        free(remap);
        return i2v_fail_nomem(err, "sorting the vocabulary");
    }
    for (uint32_t i = 0; i < n; i++) {
        order[i] = (sort_entry){v->count[i], v->arena + v->offset[i], v->length[i], i};
        remap[i] = I2V_DROPPED;
    }
    qsort(order, n, sizeof *order, by_count_then_bytes);
    uint32_t kept = select_kept(order, n, min_count, max_vocab, v->pinned);
    v->pinned = 0; /* ids are renumbered below */

    /* Rebuild the arrays in the new order into a fresh arena. */
    uint64_t arena_len = 0;
    for (uint32_t i = 0; i < kept; i++)
        arena_len += order[i].length + 1;
    char *arena = malloc(arena_len ? arena_len : 1);
    if (!arena) {
        free(order);
        free(remap);
        return i2v_fail_nomem(err, "sorting the vocabulary");
    }
    uint64_t at = 0, total = 0;
    for (uint32_t i = 0; i < kept; i++) {
        const sort_entry *e = &order[i];
        memcpy(arena + at, e->bytes, e->length + 1);
        v->offset[i] = at;
        v->length[i] = e->length;
        v->count[i] = e->count;
        remap[e->id] = i;
        at += e->length + 1;
        total += e->count;
    }
    free(order);
    free(v->arena);
    v->arena = arena;
    v->arena_len = v->arena_cap = arena_len ? arena_len : 1;
    v->size = kept;
    v->total = total;
    i2v_status st = rehash(v, v->slots, err);
    if (st != I2V_OK) {
        free(remap);
        return st;
    }
    if (remap_out)
        *remap_out = remap;
    else
        free(remap);
    if (kept == 0)
        return i2v_fail_param(err, I2V_ERR_EMPTY, I2V_PARAM_MIN_COUNT,
                              "no item occurs at least %llu times; lower the minimum count",
                              (unsigned long long)min_count);
    return I2V_OK;
}

uint32_t i2v_vocab_size(const i2v_vocab *v) { return v->size; }

int i2v_item_separator(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0';
}

int i2v_item_name_valid(const char *name, size_t len)
{
    if (len == 0 || len > I2V_MAX_ITEM_BYTES)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (i2v_item_separator((unsigned char)name[i]))
            return 0;
    return 1;
}

const char *i2v_vocab_item(const i2v_vocab *v, uint32_t id, size_t *len)
{
    if (id >= v->size)
        return NULL;
    if (len)
        *len = v->length[id];
    return v->arena + v->offset[id];
}

uint64_t i2v_vocab_count(const i2v_vocab *v, uint32_t id)
{
    return id < v->size ? v->count[id] : 0;
}

uint64_t i2v_vocab_total(const i2v_vocab *v) { return v->total; }

int64_t i2v_vocab_find(const i2v_vocab *v, const char *item, size_t len)
{
    uint64_t slot;
    return find_hashed(v, item, len, i2v_hash_bytes(item, len), &slot);
}

size_t vocab_memory_bytes(const i2v_vocab *v)
{
    size_t per_item = sizeof *v->offset + sizeof *v->length + sizeof *v->count;
    return (size_t)v->arena_cap + (size_t)v->cap * per_item + (size_t)v->slots * sizeof *v->slot;
}

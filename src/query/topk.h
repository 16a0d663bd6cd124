/* A bounded heap keeping the k best neighbours seen so far: O(log k) per
 * candidate that beats the current k-th, O(1) for the rest.  "Better"
 * is a higher score, then a lower id, so the result never depends on the
 * order candidates arrive in. */
#ifndef I2V_TOPK_H
#define I2V_TOPK_H

#include <math.h>
#include <stdint.h>

#include "item2vec.h"

typedef struct topk_heap {
    i2v_neighbor *items; /* capacity slots; a min-heap: items[0] is the worst kept */
    uint32_t size, capacity;
} topk_heap;

static inline int neighbor_better(i2v_neighbor a, i2v_neighbor b)
{
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

static inline void topk_init(topk_heap *h, i2v_neighbor *slots, uint32_t capacity)
{
    h->items = slots;
    h->size = 0;
    h->capacity = capacity;
}

/* Scores below this cannot enter: -inf until the heap is full. */
static inline float topk_threshold(const topk_heap *h)
{
    return h->size < h->capacity ? -INFINITY : h->items[0].score;
}

static inline void topk_sift_down(topk_heap *h, uint32_t i)
{
    i2v_neighbor moving = h->items[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= h->size)
            break;
        if (child + 1 < h->size && neighbor_better(h->items[child], h->items[child + 1]))
            child++;
        if (!neighbor_better(moving, h->items[child]))
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    h->items[i] = moving;
}

static inline void topk_push(topk_heap *h, uint32_t id, float score)
{
    i2v_neighbor n = {id, score};
    if (h->size < h->capacity) {
        uint32_t i = h->size++;
        while (i > 0 && neighbor_better(h->items[(i - 1) / 2], n)) {
            h->items[i] = h->items[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h->items[i] = n;
    } else if (h->capacity > 0 && neighbor_better(n, h->items[0])) {
        h->items[0] = n;
        topk_sift_down(h, 0);
    }
}

/* Empties the heap into its own slots, best first; returns how many. */
static inline uint32_t topk_sort(topk_heap *h)
{
    uint32_t n = h->size;
    while (h->size > 1) {
        i2v_neighbor worst = h->items[0];
        h->items[0] = h->items[--h->size];
        topk_sift_down(h, 0);
        h->items[h->size] = worst;
    }
    h->size = 0;
    return n;
}

#endif

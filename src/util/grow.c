#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int grow_array(void *array, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t room = *cap ? *cap : (first ? first : 1);
    while (room < need) {
        if (room > SIZE_MAX / 2)
            return -1;
        room *= 2;
    }
    if (size && room > SIZE_MAX / size)
        return -1;
    /* The pointer is read and written as bytes: `array` points to a T *,
     * whatever T is. */
    void *items;
    memcpy(&items, array, sizeof items);
    void *bigger = realloc(items, room * size);
    if (!bigger)
        return -1;
    memcpy(array, &bigger, sizeof bigger);
    *cap = room;
    return 0;
}

/* Growable arrays: the one way the library makes room in an array that
 * fills as it reads. */
#ifndef I2V_GROW_H
#define I2V_GROW_H

#include <stddef.h>
#include <string.h>

/* Makes room for at least `need` elements of `size` bytes in the array
 * whose pointer is at `array` (a T **) and whose room is *cap elements.
 * When room lacks, the array is reallocated to `first` elements, or to
 * twice *cap, doubled until `need` fits; *cap tells the new room.
 * Returns 0, or -1 when memory runs out or the size would overflow,
 * leaving the array and *cap as they were (still the caller's). */
int grow_array(void *array, size_t *cap, size_t need, size_t size, size_t first);

/* memcpy for arrays that may be empty, and then NULL: memcpy must never
 * see a NULL pointer, even for no bytes. */
static inline void copy_bytes(void *to, const void *from, size_t bytes)
{
    if (bytes)
        memcpy(to, from, bytes);
}

#endif

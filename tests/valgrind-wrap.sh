#!/bin/sh
# Runs item2vec under memcheck for `make check-valgrind`: exit 99 on any
# memory error or definite leak, so the calling test fails.
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite "${I2V_REAL:-build/item2vec}" "$@"

#!/bin/sh
# The nearest neighbours of every item, N shards at once with GNU parallel,
# concatenated in shard order: the same bytes as one `similar --all`.
#
#   scripts/batch/parallel.sh MODEL [N] > all.tsv      (I2V: the binary)
set -eu
MODEL=$1
N=${2:-4}
I2V=${I2V:-item2vec}
seq 0 $((N - 1)) |
    parallel --will-cite -k -j "$N" "$I2V" similar -m "$MODEL" --all -t 1 \
        --shard-index {} --shards "$N"

# Spark: each partition's histories piped through `item2vec recommend`
# (RDD.pipe runs the command once per partition, lines in, lines out); the
# model must be on every executor, at the same path (or shipped with
# --files model.i2v and named by its bare name).
#
#   spark-submit --files model.i2v scripts/batch/spark-pipe.py users.tsv recs
import sys

from pyspark import SparkContext

sc = SparkContext(appName="item2vec-recommend")
users = sc.textFile(sys.argv[1], minPartitions=8)  # user<TAB>items, oldest first
recs = users.pipe("item2vec recommend -m model.i2v -k 10 --with-user -t 1")
recs.saveAsTextFile(sys.argv[2])  # user<TAB>rank<TAB>item<TAB>score

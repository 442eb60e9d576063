/**
 * Data sets: MNIST, Fashion-MNIST and CIFAR-10, fetched on first use, checked against pinned SHA-256 sums, repaired
 * when damaged and cached ({@link dev.lottery.nn.data.DataSets}); and data sets held in arrays
 * ({@link dev.lottery.nn.data.Dataset#of}). A {@link dev.lottery.nn.data.DataSplit} is the train, optional validation
 * and test sets of one run. Data sets are immutable once made; the cache may be read by several processes at once.
 */
package dev.lottery.nn.data;

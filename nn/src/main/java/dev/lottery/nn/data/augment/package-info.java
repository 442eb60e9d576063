/**
 * Training-batch augmentation (random translations and horizontal flips, as the paper's resnet uses), keyed by the
 * iteration so a batch's augmentation never depends on call order.
 */
package dev.lottery.nn.data.augment;

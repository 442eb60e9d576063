/**
 * Helpers the modules of this project share and users need not see: atomic file writes (a file is written under a
 * temporary name and renamed into place, so a reader never sees half of it). Exported only to the experiment module.
 */
package dev.lottery.nn.internal;

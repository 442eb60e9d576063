package dev.lottery.gpu;

/** Which way a copy goes. */
public enum TransferDirection {
    /** From host memory into a device buffer. */
    HOST_TO_DEVICE,
    /** From a device buffer into host memory. */
    DEVICE_TO_HOST
}

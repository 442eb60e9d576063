package dev.lottery.gpu;

/** Which way a copy goes. */
public enum TransferDirection { HOST_TO_DEVICE, DEVICE_TO_HOST }

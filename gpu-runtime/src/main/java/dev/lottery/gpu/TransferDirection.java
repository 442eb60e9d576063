package dev.lottery.gpu;

public enum TransferDirection { HOST_TO_DEVICE, DEVICE_TO_HOST }

/**
 * The record contract shared by every part of the pipeline: the 784-byte image value, the header
 * names, the pixel scaling used by both training and serving, and the prediction output format.
 */
package dev.digitstream.contract;

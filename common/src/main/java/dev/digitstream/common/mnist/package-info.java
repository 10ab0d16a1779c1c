/** Locating the MNIST data set on disk, downloading it when missing, and verifying checksums. */
package dev.digitstream.common.mnist;

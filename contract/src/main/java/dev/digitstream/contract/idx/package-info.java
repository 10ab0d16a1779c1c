/** Reading image and label sets in the IDX format of MNIST, gzipped or raw. */
package dev.digitstream.contract.idx;

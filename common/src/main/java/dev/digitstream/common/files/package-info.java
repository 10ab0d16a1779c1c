/**
 * Writing files so that readers never see them half-written, and deleting folder trees: the one way
 * every module does both.
 */
package dev.digitstream.common.files;

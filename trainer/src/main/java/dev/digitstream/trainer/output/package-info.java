/**
 * The files a run leaves behind, written into a staging folder that is published by one atomic
 * rename.
 */
package dev.digitstream.trainer.output;

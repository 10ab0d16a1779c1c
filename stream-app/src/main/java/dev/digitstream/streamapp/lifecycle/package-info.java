/**
 * The model lifecycle on a replica: which model to start with, and following the decisions on the
 * model topic, swapping the served model at a batch boundary.
 */
package dev.digitstream.streamapp.lifecycle;

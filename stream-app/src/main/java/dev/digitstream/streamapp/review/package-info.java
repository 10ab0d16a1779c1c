/**
 * Triage of predictions into booked and for review ({@link
 * dev.digitstream.streamapp.review.ReviewPolicy}), the review records, and label-free drift of the
 * traffic against the serving model's baseline ({@link
 * dev.digitstream.streamapp.review.DriftMonitor}).
 */
package dev.digitstream.streamapp.review;

/**
 * The model lifecycle on a replica: which model to start with ({@code InitialModel}); following the
 * model topic, swapping the served model at a batch boundary and keeping a version in shadow
 * ({@code ModelFollower}); and, on the one replica elected ({@code DeciderElection}), judging the
 * version in shadow for the whole application ({@code ModelDecider}, {@code PromotionGate}).
 */
package dev.digitstream.streamapp.lifecycle;

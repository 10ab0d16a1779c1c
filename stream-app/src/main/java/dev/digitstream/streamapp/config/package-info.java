/** The application's configuration, read and validated from environment variables. */
package dev.digitstream.streamapp.config;

package dev.digitstream.common.files;

import java.io.IOException;

/** A consumer that may fail with an {@link IOException}, such as the writer of a file's content. */
@FunctionalInterface
public interface IOConsumer<T> {

  void accept(T value) throws IOException;
}

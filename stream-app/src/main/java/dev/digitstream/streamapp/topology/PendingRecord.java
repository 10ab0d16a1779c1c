package dev.digitstream.streamapp.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A valid input record waiting for its prediction, as kept in the changelogged pending store: all
 * that is needed to emit its prediction after a restart.
 */
record PendingRecord(byte[] key, byte[] value, Headers headers, long timestamp) {

  /**
   * Format 2 writes header keys as length-prefixed UTF-8 (format 1 used {@code writeUTF}, which
   * refuses keys over 65,535 bytes: one such record stopped the app). Format 1 is still read, so a
   * changelog written by an older version restores.
   */
  private static final int FORMAT = 2;

  private static final int FORMAT_1 = 1;

  /** The length of this record's serialized form, without serializing it. */
  int serializedSize() {
    int size = 1 + Long.BYTES + Integer.BYTES * 3 + length(key) + length(value);
    for (Header h : headers) {
      // not Utils.utf8Length: it counts some strings longer than String.getBytes encodes them
      size += Integer.BYTES * 2 + h.key().getBytes(UTF_8).length + length(h.value());
    }
    return size;
  }

  private static int length(byte[] b) {
    return b == null ? 0 : b.length;
  }

  static Serde<PendingRecord> serde() {
    return Serdes.serdeFrom(new PendingSerializer(), new PendingDeserializer());
  }

  private static final class PendingSerializer implements Serializer<PendingRecord> {
    @Override
    public byte[] serialize(String topic, PendingRecord r) {
      if (r == null) {
        return null;
      }
      ByteBuffer out = ByteBuffer.allocate(r.serializedSize());
      out.put((byte) FORMAT);
      out.putLong(r.timestamp());
      writeBytes(out, r.key());
      writeBytes(out, r.value());
      Header[] headers = r.headers().toArray();
      out.putInt(headers.length);
      for (Header h : headers) {
        writeBytes(out, h.key().getBytes(UTF_8));
        writeBytes(out, h.value());
      }
      return out.array();
    }

    private static void writeBytes(ByteBuffer out, byte[] b) {
      out.putInt(b == null ? -1 : b.length);
      if (b != null) {
        out.put(b);
      }
    }
  }

  private static final class PendingDeserializer implements Deserializer<PendingRecord> {
    @Override
    public PendingRecord deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      ByteBuffer in = ByteBuffer.wrap(data);
      try {
        int format = in.get();
        if (format != FORMAT && format != FORMAT_1) {
          throw new IllegalStateException("unknown pending-record format " + format);
        }
        long timestamp = in.getLong();
        byte[] key = readBytes(in);
        byte[] value = readBytes(in);
        int count = in.getInt();
        Headers headers = new RecordHeaders();
        for (int i = 0; i < count; i++) {
          String name =
              format == FORMAT_1 ? readModifiedUtf8(in) : new String(readBytes(in), UTF_8);
          headers.add(name, readBytes(in));
        }
        return new PendingRecord(key, value, headers, timestamp);
      } catch (BufferUnderflowException e) {
        throw new IllegalStateException("truncated or corrupt pending record", e);
      }
    }

    private static byte[] readBytes(ByteBuffer in) {
      int length = in.getInt();
      if (length < 0) {
        return null;
      }
      byte[] b = new byte[length];
      in.get(b);
      return b;
    }

    /** Format 1's header keys: {@code DataOutput.writeUTF}, read back by its counterpart. */
    private static String readModifiedUtf8(ByteBuffer in) {
      byte[] encoded = new byte[2 + Short.toUnsignedInt(in.getShort(in.position()))];
      in.get(encoded);
      try {
        return new DataInputStream(new ByteArrayInputStream(encoded)).readUTF();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

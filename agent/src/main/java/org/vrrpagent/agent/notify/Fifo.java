package org.vrrpagent.agent.notify;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** {@code mkfifo(path, 0600)} through java.lang.foreign. */
final class Fifo {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle MKFIFO =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("mkfifo").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
          Linker.Option.captureCallState("errno"));

  private Fifo() {}

  static void create(Path path) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      var state = arena.allocate(Linker.Option.captureStateLayout());
      int rc = (int) MKFIFO.invokeExact(state, arena.allocateFrom(path.toString()), 0600);
      if (rc != 0) {
        int errno =
            state.get(
                JAVA_INT,
                Linker.Option.captureStateLayout()
                    .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
        throw new IOException("mkfifo " + path + " failed (errno " + errno + ")");
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("mkfifo " + path + " failed", t);
    }
  }
}

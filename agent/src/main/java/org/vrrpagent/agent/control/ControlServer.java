package org.vrrpagent.agent.control;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.ControlConfig;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.HostPort;

/**
 * The control API: HTTP on 127.0.0.1:9740 by default, and on a unix socket when configured. One
 * event-loop thread serves both; it never waits on the daemon: every call into the {@link
 * ControlBackend} runs on the API's own backend thread, through a queue of at most {@link
 * #MAX_PENDING_BACKEND_CALLS}, and is answered 503 when it has not returned within {@link
 * #BACKEND_DEADLINE}.
 *
 * <p>Limits: {@link #MAX_REQUEST_LINE_BYTES}, {@link #MAX_HEADER_BYTES}, {@link #MAX_BODY_BYTES},
 * {@link #MAX_EVENT_STREAMS}; connections: {@link #MAX_TCP_CONNECTIONS} over TCP, at most {@link
 * #MAX_CONNECTIONS_PER_CLIENT} from one address, and the unix socket's own {@link
 * #MAX_UNIX_CONNECTIONS}, so TCP clients cannot lock out the local operator. A connection must
 * deliver each whole request (headers and body) within {@link #REQUEST_DEADLINE} of its connect or
 * of its previous answer, or it is answered 408 and closed, however slowly it keeps sending (event
 * streams excepted once started: they get a heartbeat every {@link #EVENT_HEARTBEAT}). Refused
 * connections are logged once per {@link ConnectionLimits#LOG_INTERVAL} with a count.
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  public static final int MAX_REQUEST_LINE_BYTES = 4096;
  public static final int MAX_HEADER_BYTES = 8192;

  /** No endpoint takes a body; anything longer is refused with 413. */
  public static final int MAX_BODY_BYTES = 4096;

  /** Connections over TCP, all clients together. */
  public static final int MAX_TCP_CONNECTIONS = 48;

  /** Connections over TCP from one client address. */
  public static final int MAX_CONNECTIONS_PER_CLIENT = 8;

  /** Connections over the unix socket: its own share, which TCP clients cannot take. */
  public static final int MAX_UNIX_CONNECTIONS = 16;

  /** All connections. */
  public static final int MAX_CONNECTIONS = MAX_TCP_CONNECTIONS + MAX_UNIX_CONNECTIONS;

  public static final int MAX_EVENT_STREAMS = 16;

  /**
   * A whole request (request line, headers, body) must arrive within this of the connect or the
   * previous answer.
   */
  public static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

  /** How long a request waits for the daemon (status, reload, …) before it is answered 503. */
  public static final Duration BACKEND_DEADLINE = Duration.ofSeconds(5);

  /** Requests waiting for the backend thread; past this they are answered 503 at once. */
  public static final int MAX_PENDING_BACKEND_CALLS = 32;

  public static final Duration EVENT_HEARTBEAT = Duration.ofSeconds(15);

  /** The longest {@link #close} takes. */
  public static final Duration CLOSE_BUDGET = Duration.ofSeconds(3);

  /** Unix socket mode: owner and group may control the agent, nobody else. */
  public static final String UNIX_SOCKET_MODE = "rw-rw----";

  private final ControlRequestHandler.Shared shared;
  private final ConnectionLimits limits;
  private final Duration requestDeadline;
  private final ExecutorService backendThread;
  private final EventLoopGroup group;
  private final boolean epoll;
  private final ChannelGroup channels =
      new DefaultChannelGroup("control", GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();
  private final List<Path> socketFiles = new ArrayList<>();

  /**
   * @param backend the daemon
   * @param metricsText the Prometheus exposition text ({@code Metrics::scrape})
   * @param events the event bus
   */
  public ControlServer(ControlBackend backend, Supplier<String> metricsText, EventSource events) {
    this(backend, metricsText, events, BACKEND_DEADLINE, REQUEST_DEADLINE);
  }

  /** Tests shorten the deadlines. */
  ControlServer(
      ControlBackend backend,
      Supplier<String> metricsText,
      EventSource events,
      Duration backendDeadline,
      Duration requestDeadline) {
    this.requestDeadline = requestDeadline;
    this.backendThread = backendThread();
    this.shared =
        new ControlRequestHandler.Shared(
            Objects.requireNonNull(backend, "backend"),
            Objects.requireNonNull(metricsText, "metricsText"),
            Objects.requireNonNull(events, "events"),
            channels,
            new AtomicInteger(),
            backendThread,
            backendDeadline);
    this.epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new io.netty.util.concurrent.DefaultThreadFactory("control-api", true), io);
    this.limits = new ConnectionLimits(group.next());
  }

  /**
   * One daemon thread, a bounded queue: a hanging backend call holds up only later calls, which get
   * 503.
   */
  private static ExecutorService backendThread() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING_BACKEND_CALLS),
            r -> Thread.ofPlatform().daemon().name("control-backend").unstarted(r));
    return executor;
  }

  /**
   * The handlers of one connection, in order (also used by the fuzz test on an embedded channel):
   * HTTP codec with its limits, the request deadline, the aggregator (413 as JSON, then close), the
   * router.
   */
  static void initPipeline(ChannelPipeline pipeline, ControlRequestHandler.Shared shared) {
    initPipeline(pipeline, shared, REQUEST_DEADLINE);
  }

  static void initPipeline(
      ChannelPipeline pipeline, ControlRequestHandler.Shared shared, Duration requestDeadline) {
    pipeline
        .addLast(
            "http",
            new HttpServerCodec(
                new HttpDecoderConfig()
                    .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                    .setMaxHeaderSize(MAX_HEADER_BYTES)))
        .addLast(RequestDeadline.NAME, new RequestDeadline(requestDeadline))
        .addLast("aggregate", new JsonErrorAggregator(MAX_BODY_BYTES))
        .addLast("control", new ControlRequestHandler(shared));
  }

  /**
   * Binds every address the configuration names. Returns them as bound (a TCP port 0 becomes the
   * real port). On failure nothing stays bound.
   *
   * @throws UncheckedIOException with one operator line naming the address
   */
  public List<SocketAddress> start(ControlConfig config) {
    List<SocketAddress> bound = new ArrayList<>();
    try {
      if (config.listen().isPresent()) {
        InetSocketAddress address = config.listen().get();
        Channel ch =
            bind(
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class,
                address,
                "control API on " + HostPort.of(address.getAddress(), address.getPort()));
        bound.add(ch.localAddress());
      }
      if (config.unixSocket().isPresent()) {
        Path path = config.unixSocket().get();
        if (!epoll) {
          throw failure(
              "control API on unix socket "
                  + path
                  + ": needs Netty's native epoll transport, which is not available here ("
                  + Epoll.unavailabilityCause()
                  + ")");
        }
        removeStaleSocket(path);
        Channel ch =
            bind(
                EpollServerDomainSocketChannel.class,
                new DomainSocketAddress(path.toString()),
                "control API on unix socket " + path);
        socketFiles.add(path);
        try {
          Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(UNIX_SOCKET_MODE));
        } catch (IOException e) {
          throw new UncheckedIOException(
              "control API on unix socket " + path + ": cannot set its mode: " + e.getMessage(), e);
        }
        bound.add(ch.localAddress());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    for (SocketAddress a : bound) {
      log.info("control API listening on {}", describe(a));
    }
    return bound;
  }

  private Channel bind(Class<? extends ServerChannel> type, SocketAddress address, String what) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(type)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (!limits.admit(ch)) {
                      ch.close(); // refused before a single byte is read; counted and logged by
                      // the limits
                      return;
                    }
                    channels.add(ch);
                    initPipeline(ch.pipeline(), shared, requestDeadline);
                  }
                });
    if (type != EpollServerDomainSocketChannel.class) {
      b.option(ChannelOption.SO_REUSEADDR, true);
    }
    try {
      Channel ch = b.bind(address).syncUninterruptibly().channel();
      listeners.add(ch);
      return ch;
    } catch (Exception e) {
      throw new UncheckedIOException(
          what + ": cannot listen: " + e.getMessage(), new IOException(e));
    }
  }

  /**
   * Removes a socket file left by a previous run that did not stop cleanly. A socket someone still
   * listens on (another agent) and any other kind of file are refused.
   */
  private static void removeStaleSocket(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if ((mode & 0170000) != 0140000) {
        throw failure(
            "control API on unix socket "
                + path
                + ": the path exists and is not a socket (expected: a free path or a stale socket)");
      }
      try (var probe =
          java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(path))) {
        throw failure(
            "control API on unix socket "
                + path
                + ": another process is listening on it (expected: one agent per socket)");
      } catch (IOException refused) {
        // nobody listens: stale
      }
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "control API on unix socket " + path + ": " + e.getMessage(), e);
    }
  }

  private static UncheckedIOException failure(String message) {
    return new UncheckedIOException(message, new IOException(message));
  }

  static String describe(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return "http://" + HostPort.of(inet.getAddress(), inet.getPort());
    }
    if (a instanceof DomainSocketAddress unix) {
      return "unix:" + unix.path();
    }
    return String.valueOf(a);
  }

  /** Open connections (requests and event streams), for tests and status. */
  public int openConnections() {
    return channels.size();
  }

  /** Connections refused by the limits since start. */
  public long refusedConnections() {
    return limits.refused();
  }

  /**
   * Stops listening, closes every connection and the backend thread, removes the socket file. Never
   * waits on the daemon and returns within about {@link #CLOSE_BUDGET} even when a backend call
   * hangs (that thread is a daemon thread and is abandoned).
   */
  @Override
  public void close() {
    for (Channel ch : listeners) {
      ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    listeners.clear();
    channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    backendThread.shutdownNow();
    if (!group
        .shutdownGracefully(0, 1, TimeUnit.SECONDS)
        .awaitUninterruptibly(CLOSE_BUDGET.toMillis() - 1000)) {
      log.warn(
          "control API: the event loop did not stop within {}; abandoned",
          DurationText.of(CLOSE_BUDGET));
    }
    for (Path p : socketFiles) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        log.warn("control API: cannot remove unix socket {}: {}", p, e.getMessage());
      }
    }
    socketFiles.clear();
  }
}

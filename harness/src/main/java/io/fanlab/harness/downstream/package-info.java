/**
 * The downstream that {@code http} work calls: {@link io.fanlab.harness.downstream.LoopbackDownstream}, a JDK HTTP
 * server on 127.0.0.1 inside the point's JVM, and {@link io.fanlab.harness.downstream.HttpWork}, the JDK HTTP/1.1
 * client with a Go-like per-host connection limit.
 *
 * <p>Contract: the server is deterministic for a request (delay and 503 draw travel in headers, computed by the
 * caller from the item's draws); downstream faults from {@link io.fanlab.harness.fault.FaultState} are read once
 * per request. {@code close()} leaves no thread behind.
 *
 * <p>Threading: clients call from any thread and block; the server runs one virtual thread per exchange
 * ({@code fanlab-downstream-N}); the client's internal tasks run on {@code fanlab-downstream-client-N} virtual
 * threads. The JDK names its own two platform threads ({@code HTTP-Dispatcher}, {@code HttpClient-N-SelectorManager}).
 */
package io.fanlab.harness.downstream;

/**
 * The downstream that {@code http} work calls: {@link io.fanlab.harness.downstream.LoopbackDownstream}, a JDK HTTP
 * server on 127.0.0.1 inside the point's JVM, and {@link io.fanlab.harness.downstream.HttpWork}, a small blocking
 * HTTP/1.1 client with keep-alive connections and a Go-like per-host connection limit.
 *
 * <p>Contract: the server is deterministic for a request (delay and 503 draw travel in headers, computed by the
 * caller from the item's draws); downstream faults from {@link io.fanlab.harness.fault.FaultState} are read once
 * per request. {@code close()} leaves no thread behind.
 *
 * <p>Threading: clients call from any thread and block on their socket (the client starts no thread); the server
 * runs one virtual thread per exchange ({@code fanlab-downstream-N}) and the JDK's {@code HTTP-Dispatcher} platform
 * thread accepts connections.
 */
package io.fanlab.harness.downstream;

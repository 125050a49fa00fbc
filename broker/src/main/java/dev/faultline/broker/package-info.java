/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) that runs inside the JVM,
 * and the JUnit 5 extension that shares one such broker per test JVM. Used by every integration
 * test and by {@code faultline demo}/{@code faultline run --embedded}; it is never a mock.
 */
package dev.faultline.broker;

package dev.renga.core;

/** Marker for every message that crosses JVMs; bound to Jackson CBOR in reference.conf (no Java serialization). */
public interface CborSerializable {}

package dev.renga.core;

/** One HTTP header as it travels between gateway and node; names are lower-case on requests. */
public record Header(String name, String value) implements CborSerializable {}

package dev.observability.logging;

/** The format of the console lines the module installs ({@code logging.format}). */
public enum LogFormat {
  /** One JSON object per line ({@link JsonEncoder}); the default. */
  JSON,
  /** Human-readable lines for local development ({@link TextEncoder}). */
  TEXT,
  /** One Elastic Common Schema JSON object per line, for the ELK stack ({@link EcsEncoder}). */
  ECS
}

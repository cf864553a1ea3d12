#pragma once

// Secrets in params (docs/ARCHITECTURE.md §12): a `secret` param holds the
// value itself, or names where to read it, so the pipeline file can be
// shared without it:
//   "password": {"env": "PGPASSWORD"}         an environment variable
//   "password": {"file": "/run/secrets/pg"}   a file (one trailing newline dropped)
// Secrets are never printed: masked in summaries and /api/pipeline
// (mask_secrets), and connectors show URLs through redact_url.

#include <string>

#include <nlohmann/json.hpp>

namespace sluice::core {

/// Whether `v` is {"env": "<name>"} or {"file": "<path>"} and nothing else.
bool is_secret_reference(const nlohmann::json& v);

/// The secret `v` holds or names. Throws std::runtime_error naming the
/// variable that is unset or the file that cannot be read (never the value).
std::string resolve_secret(const nlohmann::json& v);

/// `url` with the password of its user info replaced by "****"
/// ("redis://:pw@host" -> "redis://:****@host"), for logs and errors.
std::string redact_url(const std::string& url);

} // namespace sluice::core

#include "sluice/ops/redis/redis_client.hpp"

#include <charconv>

#include "sluice/core/errors.hpp"
#include "sluice/core/secrets.hpp"
#include "sluice/ops/connect/backoff.hpp"

namespace sluice::ops::redis {

namespace {

bool parse_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

timeval to_timeval(int ms) { return {ms / 1000, (ms % 1000) * 1000}; }

} // namespace

server_url parse_url(const std::string& param, const std::string& text) {
  server_url u;
  u.text = text;
  std::string_view rest = text;
  auto bad = [&](const std::string& why) {
    return core::param_error(param, "'" + core::redact_url(text) + "': " + why);
  };
  if (rest.rfind("unix://", 0) == 0) {
    u.unix_path = std::string(rest.substr(7));
    if (u.unix_path.empty() || u.unix_path[0] != '/')
      throw bad("a unix:// URL names an absolute socket path");
    return u;
  }
  if (rest.rfind("redis://", 0) != 0)
    throw bad("expected redis://[[user]:password@]host[:port][/db]");
  rest.remove_prefix(8);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_int(db, u.db) || u.db < 0))
      throw bad("the database after '/' must be a number");
  }
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view info = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    const auto colon = info.find(':');
    if (colon == std::string_view::npos) {
      u.password = std::string(info); // redis://password@host, as redis-cli takes it
    } else {
      u.user = std::string(info.substr(0, colon));
      u.password = std::string(info.substr(colon + 1));
    }
  }
  std::string_view host = authority;
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!parse_int(authority.substr(colon + 1), u.port) || u.port <= 0 || u.port > 65535)
      throw bad("the port must be a number from 1 to 65535");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) throw bad("no host");
  u.host = std::string(host);
  return u;
}

void connection::open(const server_url& url, const std::string& password, int timeout_ms) {
  reset();
  where_ = core::redact_url(url.text);
  const timeval tv = to_timeval(timeout_ms);
  redisContext* c = url.unix_path.empty() ? redisConnectWithTimeout(url.host.c_str(), url.port, tv)
                                          : redisConnectUnixWithTimeout(url.unix_path.c_str(), tv);
  if (!c) throw link_error("redis: " + where_ + ": cannot allocate a connection");
  if (c->err) {
    const std::string why = c->errstr;
    redisFree(c);
    throw link_error("redis: " + where_ + ": " + why);
  }
  redisSetTimeout(c, tv);
  ctx_ = c;
  if (!password.empty()) {
    auto r = url.user.empty() ? command({"AUTH", password}) : command({"AUTH", url.user, password});
    if (r->type == REDIS_REPLY_ERROR) {
      const std::string why(text_of(*r));
      reset();
      if (transient_error(why)) throw link_error("redis: " + where_ + ": " + why);
      throw std::runtime_error("redis: " + where_ + ": authentication refused: " + why);
    }
  }
  if (url.db != 0) {
    auto r = command({"SELECT", std::to_string(url.db)});
    if (r->type == REDIS_REPLY_ERROR) {
      const std::string why(text_of(*r));
      reset();
      if (transient_error(why)) throw link_error("redis: " + where_ + ": " + why);
      throw std::runtime_error("redis: " + where_ + ": cannot select database "
                               + std::to_string(url.db) + ": " + why);
    }
  }
}

void connection::reset() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

void connection::append(const std::vector<std::string_view>& argv) {
  if (!ctx_) throw link_error("redis: " + where_ + ": not connected");
  argv_.clear();
  lens_.clear();
  for (const auto& a : argv) {
    argv_.push_back(a.data());
    lens_.push_back(a.size());
  }
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv_.size()), argv_.data(), lens_.data())
      != REDIS_OK) {
    const std::string why = ctx_->errstr;
    reset();
    throw link_error("redis: " + where_ + ": " + why);
  }
}

reply_ptr connection::reply() {
  if (!ctx_) throw link_error("redis: " + where_ + ": not connected");
  void* r = nullptr;
  if (redisGetReply(ctx_, &r) != REDIS_OK || !r) {
    std::string why = ctx_->errstr[0] ? ctx_->errstr : "connection lost";
    if (ctx_->err == REDIS_ERR_IO
        && why.find("Resource temporarily unavailable") != std::string::npos)
      why = "no answer in time";
    reset();
    throw link_error("redis: " + where_ + ": " + why);
  }
  return reply_ptr(static_cast<redisReply*>(r));
}

reply_ptr connection::command(const std::vector<std::string_view>& argv) {
  append(argv);
  return reply();
}

bool transient_error(std::string_view e) {
  for (std::string_view p : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"})
    if (e.rfind(p, 0) == 0 && (e.size() == p.size() || e[p.size()] == ' ')) return true;
  return false;
}

void check_reply(const redisReply& r, const std::string& what) {
  if (r.type != REDIS_REPLY_ERROR) return;
  const std::string e(text_of(r));
  if (transient_error(e)) throw link_error("redis: " + what + ": " + e);
  throw std::runtime_error("redis: " + what + ": " + e);
}

std::vector<core::property_spec> connection_properties() {
  std::vector<core::property_spec> out{
    prop("url", core::param_type::string,
         "the server: redis://[[user]:password@]host[:port][/db] or unix:///path/to.sock")
      .def("redis://127.0.0.1:6379"),
    prop("password", core::param_type::secret,
         "the password (AUTH), instead of one in the url: a string, {\"env\": \"VAR\"} or "
         "{\"file\": \"/run/secrets/redis\"}"),
  };
  for (auto& p : connect::backoff_properties()) out.push_back(std::move(p));
  return out;
}

std::string password_for(const core::params& p, const server_url& url) {
  if (p.has("password")) return p.secret("password");
  return url.password;
}

} // namespace sluice::ops::redis

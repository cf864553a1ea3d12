#include "sluice/exec/checkpoint_coordinator.hpp"

namespace sluice::exec {

namespace {

using steady = std::chrono::steady_clock;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// A checkpoint not complete after this long is given up (an instance that
/// stopped answering would otherwise hold every later one back).
std::chrono::milliseconds give_up_after(std::chrono::milliseconds interval) {
  return std::max<std::chrono::milliseconds>(interval * 10, std::chrono::seconds(60));
}

} // namespace

checkpoint_coordinator::checkpoint_coordinator(settings s, std::shared_ptr<run_shared> shared,
                                               std::function<void(std::uint64_t)> trigger,
                                               std::function<void(std::uint64_t)> committed,
                                               std::function<bool()> ended_normally)
  : settings_(std::move(s)), store_(settings_.dir), shared_(std::move(shared)),
    trigger_(std::move(trigger)), committed_(std::move(committed)),
    ended_normally_(std::move(ended_normally)), next_id_(settings_.first_id) {
  for (std::size_t i = 0; i < settings_.nodes.size(); ++i) {
    node_index_[settings_.nodes[i].id] = i;
    total_instances_ += settings_.nodes[i].parallelism;
  }
  stats_.enabled = true;
}

checkpoint_coordinator::~checkpoint_coordinator() { stop(); }

void checkpoint_coordinator::start() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (thread_.joinable() || stop_) return;
  next_trigger_ = steady::now() + settings_.interval;
  thread_ = std::thread([this] { loop(); });
}

void checkpoint_coordinator::stop() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stop_ = true;
    savepoint_failed_ = savepoint_id_ == 0;
  }
  wake_.notify_all();
  savepoint_done_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> guard(mutex_);
  record_finish_if_ended();
}

void checkpoint_coordinator::record_finish_if_ended() {
  if (finish_recorded_ || savepoint_id_ != 0 || shared_->live() != 0 || !shared_->ended()
      || !ended_normally_())
    return;
  finish_recorded_ = true;
  try {
    store_.mark_finished(wall_ms(), stats_.last_id);
  } catch (const checkpoint::store_error& e) {
    shared_->log(std::string("warning: ") + e.what());
  }
}

void checkpoint_coordinator::add_part(std::uint64_t id, const std::string& node,
                                      std::size_t instance, checkpoint::node_part data) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    parts_.push_back({id, node, instance, std::move(data)});
  }
  wake_.notify_all();
}

bool checkpoint_coordinator::savepoint(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (no_more_ || stop_) return savepoint_id_ != 0;
  savepoint_wanted_ = true;
  savepoint_failed_ = false;
  wake_.notify_all();
  savepoint_done_.wait_for(lock, timeout,
                           [this] { return savepoint_id_ != 0 || savepoint_failed_; });
  return savepoint_id_ != 0;
}

checkpoint_stats checkpoint_coordinator::stats() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return stats_;
}

void checkpoint_coordinator::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    while (!parts_.empty() && !stop_) {
      auto p = std::move(parts_.front());
      parts_.pop_front();
      write(std::move(p), lock);
    }
    if (stop_) break;
    auto now = steady::now();
    const bool all_live = shared_->live() == total_instances_;
    if (current_ && current_->received == total_instances_) complete(lock);
    else if (current_
             && (!all_live || now - current_->started > give_up_after(settings_.interval))) {
      if (all_live)
        shared_->log("warning: checkpoint " + std::to_string(current_->id)
                     + " did not complete in time; it is abandoned (no part yet from "
                     + missing_parts() + ")");
      if (current_->savepoint) {
        savepoint_failed_ = true;
        savepoint_done_.notify_all();
      }
      current_.reset();
      ++stats_.abandoned;
    }
    if (!all_live) {
      // An instance has finished: no checkpoint can complete any more.
      no_more_ = true;
      if (savepoint_wanted_) {
        savepoint_wanted_ = false;
        savepoint_failed_ = true;
        savepoint_done_.notify_all();
      }
      record_finish_if_ended();
    }
    if (!current_ && !no_more_ && (savepoint_wanted_ || now >= next_trigger_)) {
      current_.emplace();
      current_->id = next_id_++;
      current_->started = now;
      current_->taken_ms = wall_ms();
      current_->savepoint = savepoint_wanted_;
      savepoint_wanted_ = false;
      current_->bytes.resize(settings_.nodes.size());
      for (std::size_t i = 0; i < settings_.nodes.size(); ++i)
        current_->bytes[i].assign(settings_.nodes[i].parallelism, 0);
      next_trigger_ = now + settings_.interval;
      auto id = current_->id;
      lock.unlock();
      trigger_(id);
      lock.lock();
      continue;
    }
    // The next trigger is due only when none is in progress and more may
    // come; otherwise it may lie in the past, and waiting until then would
    // spin, holding the lock the instances need to hand in their parts.
    auto wake_at = now + std::chrono::milliseconds(50);
    if (!current_ && !no_more_) wake_at = std::min(wake_at, next_trigger_);
    // A savepoint wanted while a checkpoint is in progress waits for it: a
    // predicate true at once would spin here without ever releasing the
    // lock, and the parts that complete the checkpoint could not come in.
    wake_.wait_until(lock, wake_at, [this] {
      return stop_ || !parts_.empty() || (savepoint_wanted_ && !current_ && !no_more_);
    });
  }
}

void checkpoint_coordinator::write(part p, std::unique_lock<std::mutex>& lock) {
  if (!current_ || p.id != current_->id) return; // abandoned meanwhile
  auto node = node_index_.find(p.node);
  if (node == node_index_.end() || p.instance >= current_->bytes[node->second].size()) return;
  lock.unlock();
  const auto pieces = p.data.encode_pieces();
  const auto size = pieces.size();
  std::string error;
  try {
    store_.write_part(p.id, p.node, p.instance, {pieces.head, pieces.state, pieces.tail});
  } catch (const checkpoint::store_error& e) {
    error = e.what();
  }
  lock.lock();
  if (!error.empty()) {
    lock.unlock();
    shared_->fail("checkpoint " + std::to_string(p.id) + ": " + error);
    lock.lock();
    current_.reset();
    no_more_ = true;
    return;
  }
  if (!current_ || current_->id != p.id) return;
  current_->bytes[node->second][p.instance] = size;
  ++current_->received;
}

std::string checkpoint_coordinator::missing_parts() const {
  std::string names;
  std::size_t listed = 0, missing = 0;
  for (std::size_t i = 0; i < settings_.nodes.size(); ++i)
    for (std::size_t k = 0; k < current_->bytes[i].size(); ++k) {
      if (current_->bytes[i][k] != 0) continue; // every part holds at least its header
      if (++missing > 8) continue;
      names += (listed++ ? ", " : "") + settings_.nodes[i].id + "." + std::to_string(k);
    }
  if (missing > listed) names += " and " + std::to_string(missing - listed) + " more";
  return names;
}

void checkpoint_coordinator::complete(std::unique_lock<std::mutex>& lock) {
  checkpoint::checkpoint_info info;
  info.id = current_->id;
  info.taken_ms = current_->taken_ms;
  info.duration_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - current_->started)
      .count();
  info.savepoint = current_->savepoint;
  info.pipeline = settings_.pipeline;
  for (std::size_t i = 0; i < settings_.nodes.size(); ++i) {
    auto n = settings_.nodes[i];
    n.instance_bytes = current_->bytes[i];
    info.nodes.push_back(std::move(n));
  }
  current_.reset();
  lock.unlock();
  std::string error;
  try {
    store_.complete(info);
  } catch (const checkpoint::store_error& e) {
    error = e.what();
  }
  if (error.empty()) committed_(info.id);
  else shared_->fail("checkpoint " + std::to_string(info.id) + ": " + error);
  lock.lock();
  if (!error.empty()) {
    no_more_ = true;
    return;
  }
  stats_.last_id = info.id;
  stats_.last_completed_ms = wall_ms();
  stats_.last_duration_ms = info.duration_ms;
  stats_.last_bytes = info.bytes();
  ++stats_.completed;
  stats_.max_duration_ms = std::max(stats_.max_duration_ms, info.duration_ms);
  stats_.total_duration_ms += info.duration_ms;
  stats_.max_bytes = std::max(stats_.max_bytes, stats_.last_bytes);
  stats_.state_bytes.clear();
  for (const auto& n : info.nodes) {
    std::uint64_t b = 0;
    for (auto x : n.instance_bytes) b += x;
    stats_.state_bytes[n.id] = b;
  }
  if (info.savepoint) {
    savepoint_id_ = info.id;
    no_more_ = true;
    savepoint_done_.notify_all();
  }
}

} // namespace sluice::exec

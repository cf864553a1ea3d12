// The NEXMark queries of the baseline, one plain loop each.

#include "queries.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nexmark_baseline {

// q0: pass-through of every bid.
void q0(run_state& st, json_lines& out) {
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    out.begin()
      .i("auction", b.auction)
      .i("bidder", b.bidder)
      .i("price", b.price)
      .s("channel", b.channel)
      .s("url", b.url)
      .t("date_time", b.date_time * us_per_ms)
      .s("extra", b.extra)
      .end();
  });
}

// q1: currency conversion.
void q1(run_state& st, json_lines& out) {
  st.bid_fields = 0x67; // auction, bidder, price, date_time, extra
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    out.begin()
      .i("auction", b.auction)
      .i("bidder", b.bidder)
      .d("price", static_cast<double>(b.price) * 0.908)
      .t("date_time", b.date_time * us_per_ms)
      .s("extra", b.extra)
      .end();
  });
}

// q2: selection.
void q2(run_state& st, json_lines& out) {
  st.bid_fields = 0x5; // auction, price
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    if (b.auction % 123 == 0) out.begin().i("auction", b.auction).i("price", b.price).end();
  });
}

// q3: local item suggestion, an unbounded join of auctions in category 10
// with their sellers from OR, ID or CA.
void q3(run_state& st, json_lines& out) {
  st.person_fields = 0x73;   // id, name, city, state, date_time
  st.auction_fields = 0x1a1; // id, date_time, seller, category
  struct seller {
    std::string name, city, state;
  };
  std::unordered_map<std::int64_t, seller> people;
  std::unordered_map<std::int64_t, std::vector<std::int64_t>> waiting; // seller -> auctions
  auto emit = [&](const seller& s, std::int64_t auction) {
    out.begin().s("name", s.name).s("city", s.city).s("state", s.state).i("id", auction).end();
  };
  st.each(
    [&](const nx::person& p) {
      if (p.state != "OR" && p.state != "ID" && p.state != "CA") return;
      auto& s = people[p.id];
      s = {std::string(p.name), std::string(p.city), std::string(p.state)};
      auto w = waiting.find(p.id);
      if (w == waiting.end()) return;
      for (auto a : w->second) emit(s, a);
      waiting.erase(w);
    },
    [&](const nx::auction& a) {
      if (a.category != 10) return;
      auto it = people.find(a.seller);
      if (it != people.end()) emit(it->second, a.id);
      else waiting[a.seller].push_back(a.id);
    },
    nullptr);
}

// q4: average winning price per category: the highest bid of each auction
// between its start and its expiry, averaged per category (per day of event
// time, as bench/nexmark/q4.json windows it).
void q4(run_state& st, json_lines& out) {
  st.auction_fields = 0x161; // id, date_time, expires, category
  st.bid_fields = 0x25;      // auction, price, date_time
  struct open_auction {
    std::int64_t id, date_time, expires, category, best;
  };
  std::deque<open_auction> open; // in id order (auctions come in order)
  struct avg {
    double sum = 0;
    std::int64_t n = 0;
  };
  std::map<std::pair<std::int64_t, std::int64_t>, avg> per_day_category;
  auto close = [&](const open_auction& a) {
    if (a.best < 0) return;
    auto& s = per_day_category[{floor_div(a.date_time * us_per_ms, 86400 * sec), a.category}];
    s.sum += static_cast<double>(a.best);
    ++s.n;
  };
  st.each(
    nullptr,
    [&](const nx::auction& a) {
      open.push_back({a.id, a.date_time, a.expires, a.category, -1});
    },
    [&](const nx::bid& b) {
      while (!open.empty() && open.front().expires < b.date_time) {
        close(open.front());
        open.pop_front();
      }
      if (open.empty()) return;
      std::int64_t first = open.front().id;
      if (b.auction < first || b.auction >= first + static_cast<std::int64_t>(open.size())) return;
      auto& a = open[static_cast<std::size_t>(b.auction - first)];
      if (b.date_time >= a.date_time && b.date_time <= a.expires)
        a.best = std::max(a.best, b.price);
    });
  for (const auto& a : open) close(a);
  for (const auto& [k, s] : per_day_category)
    out.begin()
      .i("category", k.second)
      .t("window_start", k.first * 86400 * sec)
      .t("window_end", (k.first + 1) * 86400 * sec)
      .d("avg_price", s.sum / static_cast<double>(s.n))
      .end();
}

// q5: hot items: per sliding window of 10 s every 2 s, the auctions with the
// most bids. Bids are counted per 2 s pane; a window sums its 5 panes.
void q5(run_state& st, json_lines& out) {
  st.bid_fields = 0x21; // auction, date_time
  const std::int64_t slide = 2 * sec, panes = 5;
  std::deque<std::unordered_map<std::int64_t, std::int64_t>> recent; // last `panes` panes
  std::int64_t cur = 0;
  bool started = false;
  std::unordered_map<std::int64_t, std::int64_t> sum;
  // Emits the window ending at the end of pane `last` (panes last-4..last).
  auto emit_window = [&](std::int64_t last) {
    sum.clear();
    for (std::size_t k = 0; k < recent.size(); ++k) {
      std::int64_t pane = cur - static_cast<std::int64_t>(recent.size() - 1 - k);
      if (pane > last || pane <= last - panes) continue;
      for (const auto& [a, n] : recent[k]) sum[a] += n;
    }
    if (sum.empty()) return;
    std::int64_t best = 0;
    for (const auto& kv : sum) best = std::max(best, kv.second);
    std::int64_t end = (last + 1) * slide;
    for (const auto& [a, n] : sum)
      if (n == best)
        out.begin()
          .i("auction", a)
          .i("num", n)
          .t("window_end", end)
          .t("window_start", end - panes * slide)
          .end();
  };
  auto advance_to = [&](std::int64_t pane) {
    // close every window ending before `pane` starts
    for (std::int64_t p = cur; p < pane && p < cur + panes; ++p) emit_window(p);
    std::int64_t steps = std::min<std::int64_t>(pane - cur, panes);
    for (std::int64_t k = 0; k < steps; ++k) {
      recent.emplace_back();
      if (static_cast<std::int64_t>(recent.size()) > panes) recent.pop_front();
    }
    if (pane - cur > panes) {
      for (auto& m : recent) m.clear();
    }
    cur = pane;
  };
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    std::int64_t pane = floor_div(b.date_time * us_per_ms, slide);
    if (!started) {
      started = true;
      cur = pane;
      recent.emplace_back();
    } else if (pane > cur) {
      advance_to(pane);
    }
    recent.back()[b.auction]++;
  });
  if (started)
    for (std::int64_t p = cur; p < cur + panes; ++p) emit_window(p);
}

// q7: highest bid per 10 s tumbling window, and every bid with that price.
void q7(run_state& st, json_lines& out) {
  st.bid_fields = 0x27; // auction, bidder, price, date_time
  const std::int64_t size = 10 * sec;
  std::int64_t cur = 0, best = -1;
  bool started = false;
  std::vector<nx::bid> top; // strings are not kept: only ints are output
  auto flush = [&] {
    for (const auto& b : top)
      out.begin()
        .i("auction", b.auction)
        .i("bidder", b.bidder)
        .i("price", b.price)
        .t("date_time", b.date_time * us_per_ms)
        .end();
    top.clear();
    best = -1;
  };
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    std::int64_t w = floor_div(b.date_time * us_per_ms, size);
    if (!started || w != cur) {
      if (started) flush();
      started = true;
      cur = w;
    }
    if (b.price > best) {
      best = b.price;
      top.clear();
    }
    if (b.price == best) top.push_back(b);
  });
  flush();
}

// q8: people who created an account and started an auction in the same
// 10 s tumbling window.
void q8(run_state& st, json_lines& out) {
  st.person_fields = 0x43;  // id, name, date_time
  st.auction_fields = 0xa0; // date_time, seller
  const std::int64_t size = 10 * sec;
  std::int64_t cur = 0;
  bool started = false;
  struct new_person {
    std::int64_t id;
    std::uint32_t name_begin, name_end;
  };
  std::vector<new_person> people;
  std::string names;
  std::unordered_set<std::int64_t> sellers;
  auto flush = [&] {
    for (const auto& p : people)
      if (sellers.count(p.id))
        out.begin()
          .i("id", p.id)
          .s("name", std::string_view(names).substr(p.name_begin, p.name_end - p.name_begin))
          .t("window_start", cur * size)
          .end();
    people.clear();
    names.clear();
    sellers.clear();
  };
  auto enter = [&](std::int64_t date_time_ms) {
    std::int64_t w = floor_div(date_time_ms * us_per_ms, size);
    if (started && w == cur) return;
    if (started) flush();
    started = true;
    cur = w;
  };
  st.each(
    [&](const nx::person& p) {
      enter(p.date_time);
      auto b = static_cast<std::uint32_t>(names.size());
      names.append(p.name.data(), p.name.size());
      people.push_back({p.id, b, static_cast<std::uint32_t>(names.size())});
    },
    [&](const nx::auction& a) {
      enter(a.date_time);
      sellers.insert(a.seller);
    },
    nullptr);
  if (started) flush();
}

// q11: user sessions: bids per bidder in sessions closed by 10 s of silence.
void q11(run_state& st, json_lines& out) {
  st.bid_fields = 0x22; // bidder, date_time
  const std::int64_t gap = 10 * sec;
  struct session {
    std::int64_t start, last, count;
  };
  std::unordered_map<std::int64_t, session> open;
  std::size_t swept_at = 1024;
  auto emit = [&](std::int64_t bidder, const session& s) {
    out.begin()
      .i("bidder", bidder)
      .t("window_start", s.start)
      .t("window_end", s.last + gap)
      .i("bid_count", s.count)
      .end();
  };
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    std::int64_t t = b.date_time * us_per_ms;
    auto [it, fresh] = open.try_emplace(b.bidder, session{t, t, 0});
    auto& s = it->second;
    if (!fresh && t >= s.last + gap) {
      emit(b.bidder, s);
      s = {t, t, 0};
    }
    s.last = std::max(s.last, t);
    ++s.count;
    if (open.size() >= 2 * swept_at) {
      // close the sessions no later bid can extend (bids come in order)
      for (auto i = open.begin(); i != open.end();)
        if (i->second.last + gap <= t) {
          emit(i->first, i->second);
          i = open.erase(i);
        } else {
          ++i;
        }
      swept_at = std::max<std::size_t>(open.size(), 1024);
    }
  });
  for (const auto& [bidder, s] : open) emit(bidder, s);
}

// q12: bids per bidder in 10 s tumbling windows of processing time.
void q12(run_state& st, json_lines& out) {
  st.bid_fields = 0x2; // bidder
  const std::int64_t size = 10 * sec;
  auto now_us = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  };
  std::unordered_map<std::int64_t, std::int64_t> counts;
  std::int64_t cur = floor_div(now_us(), size);
  std::uint32_t tick = 0;
  auto flush = [&] {
    for (const auto& [bidder, n] : counts)
      out.begin()
        .i("bidder", bidder)
        .t("window_start", cur * size)
        .t("window_end", (cur + 1) * size)
        .i("bid_count", n)
        .end();
    counts.clear();
  };
  st.each(nullptr, nullptr, [&](const nx::bid& b) {
    if ((++tick & 255) == 0) {
      std::int64_t w = floor_div(now_us(), size);
      if (w != cur) {
        flush();
        cur = w;
      }
    }
    ++counts[b.bidder];
  });
  flush();
}

} // namespace nexmark_baseline

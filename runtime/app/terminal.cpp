#include "terminal.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace sluice::app {

namespace {

termios saved{};
std::atomic<bool> active{false};
std::atomic<bool> size_changed{false};

void write_all(const std::string& s) {
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    auto n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

void restore() {
  if (!active.exchange(false)) return;
  // leave the alternate screen, show the cursor, reset attributes
  write_all("\033[0m\033[?25h\033[?1049l");
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
}

extern "C" void on_winch(int) { size_changed.store(true); }

} // namespace

bool terminal::available() { return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1; }

terminal::terminal() {
  tcgetattr(STDIN_FILENO, &saved);
  termios raw = saved;
  raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
  active.store(true);
  static bool registered = false;
  if (!registered) {
    registered = true;
    std::atexit(restore);
  }
  struct sigaction sa {};
  sa.sa_handler = on_winch;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGWINCH, &sa, nullptr);
  // alternate screen, hide the cursor, clear
  write_all("\033[?1049h\033[?25l\033[2J\033[H");
}

terminal::~terminal() {
  signal(SIGWINCH, SIG_DFL);
  restore();
}

std::pair<int, int> terminal::size() const {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0)
    return {ws.ws_col, ws.ws_row};
  return {80, 24};
}

bool terminal::resized() { return size_changed.exchange(false); }

void terminal::draw(const std::vector<std::string>& lines) {
  std::string out = "\033[H";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    out += "\033[K";
    if (i + 1 < lines.size()) out += "\r\n";
  }
  out += "\033[J";
  write_all(out);
}

int terminal::read_key(std::chrono::milliseconds timeout) {
  pollfd p{STDIN_FILENO, POLLIN, 0};
  int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (r <= 0 || !(p.revents & POLLIN)) return -1;
  unsigned char c = 0;
  if (::read(STDIN_FILENO, &c, 1) != 1) return -1;
  return c;
}

} // namespace sluice::app

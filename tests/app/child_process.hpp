#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sluice::test {

/// A child process with its output (stdout and stderr) in a file. The
/// destructor ends it (SIGTERM, then SIGKILL) so no test leaves one behind.
class child_process {
public:
  child_process(const std::vector<std::string>& argv, std::string log_file)
    : log_(std::move(log_file)) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // Truncated here, before the fork: the caller may read the file at once
    // and must never see an earlier run's output.
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_ = fork();
    if (pid_ == 0) {
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      int null = open("/dev/null", O_RDONLY);
      if (null >= 0) dup2(null, 0);
      execv(args[0], args.data());
      _exit(127);
    }
    if (fd >= 0) close(fd);
  }
  ~child_process() { kill_and_wait(); }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }

  std::string output() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  /// Waits up to `timeout` for the child to exit; its exit code, or -1.
  int wait_exit(std::chrono::milliseconds timeout) {
    if (exited_) return code_;
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return code_;
      }
      if (std::chrono::steady_clock::now() >= until) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void signal(int sig) {
    if (!exited_ && pid_ > 0) ::kill(pid_, sig);
  }

  void kill_and_wait() {
    if (exited_ || pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    if (wait_exit(std::chrono::seconds(10)) >= 0) return;
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }

  bool running() { return !exited_ && wait_exit(std::chrono::milliseconds(0)) < 0; }

private:
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
};

} // namespace sluice::test

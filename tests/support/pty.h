#pragma once
// A pseudo-terminal pair standing in for a serial port in tests. Raw from the start: the
// default line discipline would turn CR LF into LF LF before the code under test has
// opened and configured the port. Both ends are closed with the object.
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <string>

namespace ampgate::test {

struct Pty {
  int master = -1, slave = -1;
  std::string path;  // the slave side, e.g. /dev/pts/7; empty when none could be made
  Pty() {
    char name[256] = {};
    termios raw{};
    ::cfmakeraw(&raw);
    if (::openpty(&master, &slave, name, &raw, nullptr) == 0) path = name;
  }
  ~Pty() {
    if (master >= 0) ::close(master);
    if (slave >= 0) ::close(slave);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;
};

}  // namespace ampgate::test

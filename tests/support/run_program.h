#pragma once
// Runs the real `ampgate` binary (or any program) and captures its exit code and output.
#include <string>
#include <vector>

namespace ampgate::test {

struct ProgramResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program args...` to completion; stdout and stderr are captured separately.
ProgramResult run_program(const std::string& program, const std::vector<std::string>& args);

}  // namespace ampgate::test

namespace ampgate::test {
// Runs a command line with /bin/sh -c.
inline ProgramResult run_shell(const std::string& command) { return run_program("/bin/sh", {"-c", command}); }
}  // namespace ampgate::test

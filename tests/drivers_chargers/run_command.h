#pragma once
// Executes a charger command's requests one by one on a synchronous client, feeding each
// reply back to the driver, and fails the test on a refused command or a failed request.
#include <gtest/gtest.h>

#include "drivers/charger.h"

namespace ampgate::test {

inline void run_command(modbus::Client& client, drivers::Charger& charger, const drivers::CommandResult& cmd) {
  ASSERT_TRUE(cmd.ok()) << cmd.error;
  for (const auto& r : cmd.requests) {
    auto reply = client.execute(r);
    ASSERT_TRUE(reply.ok()) << r.tag << ": " << reply.message;
    charger.on_reply(r, reply, drivers::Clock::now());
  }
}

}  // namespace ampgate::test

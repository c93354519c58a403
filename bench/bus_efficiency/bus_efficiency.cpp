// Bus efficiency: 20 TeltoCharge chargers and one SDM630 mains meter on one RTU bus, served
// by the simulator with wire timing on. One cycle = read the meter block, read each
// charger's status block, write each charger's setpoint. Compares the measured cycle with
// the least time the frames need on the wire (wire_time.h); target ratio >= 0.85.
#include <benchmark/benchmark.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <cstdio>
#include <map>

#include "bench/bus_efficiency/wire_time.h"
#include "gateway/bus/bus.h"
#include "gateway/sim/simulator.h"

namespace ampgate::bench {
namespace {

using modbus::Function;
using modbus::Priority;
using modbus::Request;

constexpr int chargers = 20;
constexpr std::uint8_t meter_unit = 1;
// TeltoCharge external-control map: holding 0..40 is the live block (voltages, currents,
// states, limits, session); holding 15 is "amps to use", the setpoint.
constexpr std::uint16_t status_count = 41;
constexpr std::uint16_t amps_to_use = 15;
// SDM630 input registers 0x0000..0x0035: voltages, currents, powers per phase and total power.
constexpr std::uint16_t meter_count = 0x36;

config::Site make_site(int baud) {
  config::Site site;
  site.site.name = "bus efficiency";
  site.site.mains_fuse = 400;
  site.site.mains_meter = "grid";
  config::RtuLink rtu;
  rtu.port = "/dev/null";  // replaced by the simulator's pty
  rtu.baud = baud;
  rtu.parity = config::Parity::even;  // 11-bit characters, as the serial-line spec asks
  rtu.response_timeout = 1.0;
  site.buses.push_back({"rs485", rtu, {}});
  config::Meter meter;
  meter.id = "grid";
  meter.bus = "rs485";
  meter.unit = meter_unit;
  meter.model = "sdm630";
  site.meters.push_back(meter);
  for (int i = 0; i < chargers; ++i) {
    config::Charger c;
    c.id = "cp" + std::to_string(i + 1);
    c.bus = "rs485";
    c.unit = static_cast<std::uint8_t>(meter_unit + 1 + i);
    c.model = "teltocharge";
    site.chargers.push_back(c);
  }
  return site;
}

std::vector<Request> make_cycle(const config::Site& site) {
  std::vector<Request> cycle;
  Request meter;
  meter.unit = meter_unit;
  meter.function = Function::read_input;
  meter.address = 0;
  meter.count = meter_count;
  meter.priority = Priority::meter;
  meter.tag = "meter block";
  cycle.push_back(meter);
  for (const auto& c : site.chargers) {
    Request status;
    status.unit = c.unit;
    status.address = 0;
    status.count = status_count;
    status.priority = Priority::status;
    status.tag = "status block";
    cycle.push_back(status);
    Request setpoint;
    setpoint.unit = c.unit;
    setpoint.function = Function::write_single;
    setpoint.address = amps_to_use;
    setpoint.values = {10};
    setpoint.priority = Priority::setpoint;
    setpoint.tag = "amps to use";
    cycle.push_back(setpoint);
  }
  return cycle;
}

// Submits the whole cycle at once, as the control loop does, and waits for every reply.
int run_cycle(gateway::Bus& bus, asio::io_context& io, const std::vector<Request>& cycle) {
  std::size_t answered = 0;
  int failed = 0;
  auto guard = asio::make_work_guard(io);
  for (const auto& r : cycle)
    bus.submit(r, [&](const modbus::Reply& reply) {
      if (!reply.ok()) {
        ++failed;
        std::fprintf(stderr, "%s\n", reply.message.c_str());
      }
      if (++answered == cycle.size()) guard.reset();
    });
  io.run();
  io.restart();
  return failed;
}

struct Figures {
  double bound_ms = 0, cycle_ms = 0;
};
std::map<int, Figures> figures;

void BM_FullCycle(benchmark::State& state) {
  const int baud = static_cast<int>(state.range(0));
  auto site = make_site(baud);
  sim::Scenario scenario;
  scenario.wire_timing = true;
  sim::Simulator simulator(site, scenario);
  simulator.start();
  auto bus_config = site.buses[0];
  std::get<config::RtuLink>(bus_config.link).port = simulator.rtu_path("rs485");
  asio::io_context io;
  gateway::Bus bus(bus_config, io);
  bus.start();
  const auto cycle = make_cycle(site);
  const double bound = lower_bound_ms(cycle, {baud, 11, scenario.turnaround_ms});
  if (run_cycle(bus, io, cycle) != 0) {  // opens the port; not timed
    state.SkipWithError("the warm-up cycle had failures (see stderr)");
    return;
  }
  double total_ms = 0;
  int failed = 0;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    failed += run_cycle(bus, io, cycle);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    state.SetIterationTime(took.count());
    total_ms += took.count() * 1000.0;
  }
  bus.stop();
  simulator.stop();
  const double cycle_ms = total_ms / static_cast<double>(state.iterations());
  state.counters["transactions"] = static_cast<double>(cycle.size());
  state.counters["failed"] = failed;
  state.counters["lower_bound_ms"] = bound;
  state.counters["cycle_ms"] = cycle_ms;
  state.counters["ratio"] = bound / cycle_ms;
  figures[baud] = {bound, cycle_ms};
}

BENCHMARK(BM_FullCycle)->Arg(9600)->Arg(38400)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ampgate::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("\nbus efficiency: 1 SDM630 + %d TeltoCharge on one RTU bus, 8E1, wire timing on\n",
              ampgate::bench::chargers);
  std::printf("%8s %16s %14s %8s\n", "baud", "lower bound ms", "measured ms", "ratio");
  for (const auto& [baud, f] : ampgate::bench::figures)
    std::printf("%8d %16.1f %14.1f %8.3f%s\n", baud, f.bound_ms, f.cycle_ms, f.bound_ms / f.cycle_ms,
                f.bound_ms / f.cycle_ms >= 0.85 ? "" : "  (below the 0.85 target)");
  return 0;
}

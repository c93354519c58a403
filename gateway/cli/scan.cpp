// `ampgate scan`: find the Modbus devices on a bus and print the site-file lines for them.
// Reads only: a scan never writes to a device.
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "drivers/chargers/identify.h"
#include "drivers/registry.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/cli/options.h"

namespace ampgate::cli {
namespace {

struct ScanArgs {
  std::string port, host;
  int baud = 9600;
  config::Parity parity = config::Parity::none;
  int tcp_port = 502;
  int timeout_ms = 100;
  std::vector<int> ids;
};

bool to_int(const std::string& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "1-247", "1,3,10-20", "255"
std::string parse_ids(const std::string& text, std::vector<int>& ids) {
  std::set<int> set;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    int lo = 0, hi = 0;
    const auto dash = part.find('-');
    const bool ok = dash == std::string::npos ? to_int(part, lo) && to_int(part, hi)
                                              : to_int(part.substr(0, dash), lo) && to_int(part.substr(dash + 1), hi);
    if (!ok || lo < 1 || hi > 255 || lo > hi) return "--ids: '" + part + "' is not a unit id or range within 1-255";
    for (int i = lo; i <= hi; ++i) set.insert(i);
  }
  if (set.empty()) return "--ids: no unit ids given";
  ids.assign(set.begin(), set.end());
  return {};
}

constexpr const char* usage =
    "scan (--port PATH --baud N [--parity N|E|O] | --host H [--tcp-port P]) [--ids 1-247] [--timeout-ms 100]";
constexpr const char* summary = "probe unit ids with reads only and print site-file lines for what answers";

// Nothing when the arguments are good, else the exit code (after --help or an error).
std::optional<int> parse(const Args& args, ScanArgs& a) {
  Options parser("scan", usage, summary);
  auto& app = parser.app();
  std::string ids, parity = "N";
  app.add_option("--port", a.port, "the RS485 adapter, e.g. /dev/ttyUSB0")->type_name("PATH");
  app.add_option("--host", a.host, "a Modbus TCP device or gateway")->type_name("H");
  app.add_option("--baud", a.baud, "RS485 baud rate (default 9600)")->type_name("N")->check(CLI::PositiveNumber);
  app.add_option("--parity", parity, "RS485 parity (default N)")->type_name("N|E|O")->check(CLI::IsMember({"N", "E", "O"}));
  app.add_option("--tcp-port", a.tcp_port, "Modbus TCP port (default 502)")->type_name("P")->check(CLI::Range(1, 65535));
  app.add_option("--ids", ids, "unit ids to probe, e.g. 1,3,10-20 (default 1-247, and 255 over TCP)")->type_name("LIST");
  app.add_option("--timeout-ms", a.timeout_ms, "answer timeout per unit (default 100)")->type_name("MS")->check(CLI::Range(10, 10000));
  parser.log_level();
  if (auto code = parser.parse(args)) return code;
  a.parity = parity == "E" ? config::Parity::even : parity == "O" ? config::Parity::odd : config::Parity::none;
  if (a.port.empty() == a.host.empty()) return parser.usage_error("give exactly one of --port PATH (RS485) or --host H (Modbus TCP)");
  // KEBA and Vestel answer on 255 over TCP; RTU addresses stop at 247.
  if (ids.empty()) ids = a.host.empty() ? "1-247" : "1-247,255";
  if (auto e = parse_ids(ids, a.ids); !e.empty()) return parser.usage_error(e);
  return std::nullopt;
}

void print_yaml(const ScanArgs& a, const std::vector<std::pair<int, drivers::Identified>>& found, std::ostream& out) {
  using Kind = drivers::Identified::Kind;
  const std::string bus = "scanned";
  out << "# ampgate scan: " << found.size() << " device(s) on "
      << (a.host.empty() ? a.port : a.host + ":" + std::to_string(a.tcp_port)) << "\n";
  out << "buses:\n  - id: " << bus << "\n";
  if (a.host.empty())
    out << "    rtu:\n      port: " << a.port << "\n      baud: " << a.baud << "\n      parity: "
        << config::to_string(a.parity) << "\n";
  else
    out << "    tcp:\n      host: " << a.host << "\n      port: " << a.tcp_port << "\n";
  for (auto kind : {Kind::charger, Kind::meter}) {
    bool header = false;
    for (const auto& [unit, id] : found) {
      if (id.kind != kind) continue;
      if (!header) out << (kind == Kind::charger ? "chargers:\n" : "meters:\n");
      header = true;
      out << "  - id: " << id.model << "-" << unit << "    # " << (id.certain ? "" : "guess, check: ") << id.detail
          << "\n    model: " << id.model << "\n    bus: " << bus << "\n    unit: " << unit << "\n";
      // What the registry knows of the model: the site file's description of it and, for a
      // charger, what its driver can do.
      const auto* model = drivers::find_device_model(
          kind == Kind::charger ? drivers::DeviceKind::charger : drivers::DeviceKind::meter, id.model);
      if (model) {
        const auto can = drivers::capability_summary(*model);
        out << "    # " << model->description << (can.empty() ? "" : "; can: " + can) << "\n";
      }
    }
  }
  for (const auto& [unit, id] : found)
    if (id.kind == Kind::unknown) out << "# unit " << unit << ": " << id.detail << "\n";
}

int scan(const Args& args) {
  ScanArgs a;
  if (auto code = parse(args, a)) return *code;
  std::unique_ptr<gateway::ModbusLink> link;
  if (a.host.empty()) {
    config::RtuLink rtu;
    rtu.port = a.port;
    rtu.baud = a.baud;
    rtu.parity = a.parity;
    rtu.response_timeout = a.timeout_ms / 1000.0;
    link = std::make_unique<gateway::ModbusLink>(rtu);
  } else {
    config::TcpLink tcp;
    tcp.host = a.host;
    tcp.port = a.tcp_port;
    tcp.timeout = a.timeout_ms / 1000.0;
    link = std::make_unique<gateway::ModbusLink>(tcp);
  }
  std::cerr << "scanning " << link->describe() << ", " << a.ids.size() << " unit id(s)\n";
  std::vector<std::pair<int, drivers::Identified>> found;
  for (int unit : a.ids) {
    auto id = drivers::identify_unit(*link, static_cast<std::uint8_t>(unit));
    if (!link->is_open()) {
      std::cerr << "ampgate scan: cannot use " << link->describe() << " (check the port or host and that nothing "
                   "else holds it)\n";
      return exit_failure;
    }
    if (!id) continue;
    std::cerr << "  unit " << unit << ": " << (id->model.empty() ? "unknown device" : id->model) << "\n";
    found.emplace_back(unit, *id);
  }
  print_yaml(a, found, std::cout);
  if (found.empty()) {
    std::cerr << "ampgate scan: no device answered (check wiring, baud rate, parity and unit ids)\n";
    return exit_failure;
  }
  return exit_ok;
}

const Verb verb{"scan", usage, summary, scan};

}  // namespace
}  // namespace ampgate::cli

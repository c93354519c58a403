// `ampgate scan`: find the Modbus devices on a bus and print the site-file lines for them.
// Reads only: a scan never writes to a device.
#include <charconv>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "drivers/chargers/identify.h"
#include "gateway/bus/modbus_link.h"
#include "gateway/cli/verb.h"

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

std::string parse(const Args& args, ScanArgs& a) {
  std::string ids = "";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& k = args[i];
    if (i + 1 >= args.size()) return k + " needs a value";
    const std::string& v = args[++i];
    if (k == "--port") a.port = v;
    else if (k == "--host") a.host = v;
    else if (k == "--baud") { if (!to_int(v, a.baud) || a.baud <= 0) return "--baud: '" + v + "' is not a baud rate"; }
    else if (k == "--tcp-port") { if (!to_int(v, a.tcp_port) || a.tcp_port <= 0 || a.tcp_port > 65535) return "--tcp-port: '" + v + "' is not a port"; }
    else if (k == "--timeout-ms") { if (!to_int(v, a.timeout_ms) || a.timeout_ms < 10 || a.timeout_ms > 10000) return "--timeout-ms: give 10..10000"; }
    else if (k == "--parity") {
      if (v == "N") a.parity = config::Parity::none;
      else if (v == "E") a.parity = config::Parity::even;
      else if (v == "O") a.parity = config::Parity::odd;
      else return "--parity: '" + v + "' is not N, E or O";
    } else if (k == "--ids") ids = v;
    else return "unknown option '" + k + "'";
  }
  if (a.port.empty() == a.host.empty()) return "give exactly one of --port PATH (RS485) or --host H (Modbus TCP)";
  // KEBA and Vestel answer on 255 over TCP; RTU addresses stop at 247.
  if (ids.empty()) ids = a.host.empty() ? "1-247" : "1-247,255";
  return parse_ids(ids, a.ids);
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
    }
  }
  for (const auto& [unit, id] : found)
    if (id.kind == Kind::unknown) out << "# unit " << unit << ": " << id.detail << "\n";
}

int scan(const Args& args) {
  ScanArgs a;
  if (auto e = parse(args, a); !e.empty()) {
    std::cerr << "ampgate scan: " << e << "\nusage: ampgate scan --port PATH --baud N [--parity N|E|O] "
                 "[--ids 1-247] [--timeout-ms 100]\n       ampgate scan --host H [--tcp-port 502] [--ids ...]\n";
    return exit_usage;
  }
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

const Verb verb{"scan", "scan (--port PATH --baud N [--parity N|E|O] | --host H [--tcp-port P]) [--ids 1-247] [--timeout-ms 100]",
                "probe unit ids with reads only and print site-file lines for what answers", scan};

}  // namespace
}  // namespace ampgate::cli

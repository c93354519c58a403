#pragma once
// Sites built in code for the simulator tests: one RS485 bus with two TeltoCharge chargers
// and an SDM630 mains meter, a P1 dongle on a second RS485 bus and a TCP bus with a KEBA
// and a Vestel; a garage circuit under the mains.
#include "gateway/config.h"

namespace ampgate::sim::test {

inline config::Site small_site() {
  using namespace ampgate::config;
  Site s;
  s.site.name = "test";
  s.site.mains_fuse = 25;
  s.site.mains_meter = "grid";
  RtuLink rtu;
  rtu.port = "/dev/ttyUSB0";
  rtu.baud = 9600;
  s.buses.push_back({"rs485", rtu, {}});
  RtuLink p1;
  p1.baud = 38400;
  p1.parity = Parity::even;
  s.buses.push_back({"p1", p1, {}});
  TcpLink tcp;
  tcp.host = "192.0.2.10";
  tcp.port = 502;
  s.buses.push_back({"lan", tcp, {}});
  tcp.host = "192.0.2.11";
  s.buses.push_back({"lan2", tcp, {}});  // KEBA and Vestel both answer on unit 255: one host each

  Meter grid;
  grid.id = "grid";
  grid.bus = "rs485";
  grid.unit = 1;
  grid.model = "sdm630";
  grid.role = MeterRole::mains;
  s.meters.push_back(grid);
  Meter garage_meter;
  garage_meter.id = "garage_meter";
  garage_meter.bus = "rs485";
  garage_meter.unit = 2;
  garage_meter.model = "sdm630";
  garage_meter.role = MeterRole::circuit;
  s.meters.push_back(garage_meter);
  Meter dongle;
  dongle.id = "dongle";
  dongle.bus = "p1";
  dongle.unit = 43;
  dongle.model = "p1_dongle";
  dongle.role = MeterRole::mains;
  s.meters.push_back(dongle);

  Charger a;
  a.id = "a";
  a.bus = "rs485";
  a.unit = 11;
  a.model = "teltocharge";
  a.circuit = "garage";
  a.max_current = 16;
  s.chargers.push_back(a);
  Charger b = a;
  b.id = "b";
  b.unit = 12;
  b.phase_map = {Phase::L2, Phase::L3, Phase::L1};  // rotated install
  s.chargers.push_back(b);
  Charger k;
  k.id = "keba";
  k.bus = "lan";
  k.unit = 255;
  k.model = "keba_p30";
  k.circuit = "mains";
  s.chargers.push_back(k);
  Charger v = k;
  v.id = "vestel";
  v.bus = "lan2";
  v.model = "vestel_evc04";
  s.chargers.push_back(v);

  Circuit garage;
  garage.id = "garage";
  garage.limit = 20;
  garage.meter = "garage_meter";
  s.circuits.push_back(garage);
  return s;
}

}  // namespace ampgate::sim::test

#!/usr/bin/python3
"""Home Assistant simulator: a loopback test peer for leec.

Library use:

    sim = HASimulator(tokens=["test-token-good"])      # HTTP on an ephemeral port
    sim.start(); sim.url  -> "http://127.0.0.1:PORT"
    sim.set_fault("status", status=503)
    sim.requests          -> recorded requests (Authorization redacted)
    sim.reset(); sim.stop()
    sim.connections       -> connections accepted (HTTPS: handshakes completed)
    sim.close_after_handshake = N   close the next N connections once TLS is up
                                    (close_notify, FIN), counted in closed_after_handshake
    sim.keepalive_timeout_s = S     close a kept-alive connection idle S seconds (FIN)

CLI: ha_simulator.py [--port N] [--tls-cert F --tls-key F] [--client-ca F]
                     [--token T]... [--ban-after N] [--fault MODE[:k=v,...]]

What it serves (the shapes of Home Assistant's REST API and `alexa` integration):
  POST /api/alexa/smart_home   Alexa Smart Home directives (like HA's `alexa` integration)
  GET  /api/, /api/config, /api/states, /api/states/<entity_id>, /api/services
  POST /api/services/<domain>/<service>, /api/template, /api/conversation/process
Only the Python standard library is used. Binds 127.0.0.1 only.
"""
import argparse
import copy
import datetime
import errno
import json
import os
import re
import socket
import ssl
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_service import LoopbackService, serve_until_terminated  # noqa: E402

HA_VERSION = "2026.11.1"
DEFAULT_TOKEN = "test-token-good"

TEXT_500 = b"500 Internal Server Error\n\nServer got itself in trouble"
CAPTIVE_PORTAL = (b"<!DOCTYPE html><html><head><title>Hotspot login</title></head>"
                  b"<body><h1>Welcome to Guest Wi-Fi</h1><form method=post action=/login>"
                  b"<input name=user><input type=password name=pw><button>Log in</button>"
                  b"</form></body></html>")


def now_iso():
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%02dZ" % (t.microsecond // 10000)


def ha_time():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def c_to_f(c):
    return c * 9.0 / 5.0 + 32.0


def f_to_c(f):
    return (f - 32.0) * 5.0 / 9.0


def clamp(v, lo, hi):
    return max(lo, min(hi, v))


def num(v):
    """Render a float as an int when it is integral (keeps JSON tidy)."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


class AlexaError(Exception):
    def __init__(self, etype, message, namespace="Alexa", payload=None):
        super().__init__(message)
        self.etype, self.message, self.namespace = etype, message, namespace
        self.payload = payload or {}


# --------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------

class Entity:
    def __init__(self, entity_id, state, attributes, area=None, alexa=True, **priv):
        self.entity_id = entity_id
        self.state = state
        self.attributes = attributes
        self.area = area
        self.alexa = alexa            # exposed to Alexa Smart Home
        self.priv = priv              # simulator-internal (not in /api/states)
        self.last_changed = self.last_updated = ha_time()
        self.context_id = uuid.uuid4().hex

    @property
    def domain(self):
        return self.entity_id.split(".", 1)[0]

    @property
    def name(self):
        return self.attributes.get("friendly_name", self.entity_id)

    def set_state(self, state):
        t = ha_time()
        if state != self.state:
            self.last_changed = t
        self.state = state
        self.last_updated = t
        self.context_id = uuid.uuid4().hex

    def touch(self):
        self.last_updated = ha_time()
        self.context_id = uuid.uuid4().hex

    def as_json(self):
        return {"entity_id": self.entity_id, "state": self.state,
                "attributes": copy.deepcopy(self.attributes),
                "last_changed": self.last_changed, "last_reported": self.last_updated,
                "last_updated": self.last_updated,
                "context": {"id": self.context_id, "parent_id": None, "user_id": None}}


AREAS = {"kitchen": "Kitchen", "living_room": "Living Room", "bedroom": "Bedroom"}


def build_house():
    """The small house. Returns {entity_id: Entity}."""
    E = Entity
    ents = [
        E("light.kitchen", "off", {
            "supported_color_modes": ["color_temp", "hs"], "color_mode": None,
            "brightness": None, "hs_color": None, "color_temp_kelvin": None,
            "min_color_temp_kelvin": 1500, "max_color_temp_kelvin": 9000,  # a LIFX-like range
            "friendly_name": "Kitchen Light", "supported_features": 40},
          area="kitchen", last_brightness=255, hs=(0.0, 0.0), color_b=1.0, ct=4000),
        E("light.living_room", "on", {
            "supported_color_modes": ["brightness"], "color_mode": "brightness",
            "brightness": 128, "friendly_name": "Living Room Lamp", "supported_features": 40},
          area="living_room", last_brightness=128),
        E("light.bedroom", "off", {
            "supported_color_modes": ["onoff"], "color_mode": None,
            "friendly_name": "Bedroom Light", "supported_features": 0}, area="bedroom"),
        E("switch.coffee_maker", "off", {"friendly_name": "Coffee Maker"}, area="kitchen"),
        E("fan.bedroom", "off", {
            "percentage": 0, "percentage_step": 1.0, "preset_mode": None,
            "preset_modes": None, "friendly_name": "Bedroom Fan", "supported_features": 49},
          area="bedroom", last_percentage=50, power_level=0),
        E("climate.living_room", "heat", {
            "hvac_modes": ["off", "heat", "cool", "heat_cool", "auto"],
            "min_temp": 5, "max_temp": 40, "target_temp_step": 0.5,
            "current_temperature": 21.5, "temperature": 21.0,
            "target_temp_high": None, "target_temp_low": None,
            "friendly_name": "Living Room Thermostat", "supported_features": 387},
          area="living_room", unit="C"),
        E("climate.upstairs", "heat", {
            "hvac_modes": ["off", "heat", "cool", "heat_cool"],
            "min_temp": 45, "max_temp": 95, "target_temp_step": 1,
            "current_temperature": 70, "temperature": 68,
            "target_temp_high": None, "target_temp_low": None,
            "friendly_name": "Upstairs Thermostat", "supported_features": 387},
          unit="F"),
        E("lock.front_door", "locked", {"friendly_name": "Front Door",
                                        "supported_features": 0}),
        E("sensor.outdoor_temperature", "12.5", {
            "state_class": "measurement", "unit_of_measurement": "°C",
            "device_class": "temperature", "friendly_name": "Outdoor Temperature"}),
        E("cover.garage", "closed", {"device_class": "garage",
                                     "friendly_name": "Garage Door", "supported_features": 3}),
        E("scene.movie_time", "unknown", {"entity_id": ["light.living_room"],
                                          "friendly_name": "Movie Time"}),
        E("script.good_night", "off", {"last_triggered": None, "mode": "single",
                                       "current": 0, "friendly_name": "Good Night"}),
        E("media_player.living_room_tv", "off", {
            "source_list": ["HDMI 1", "HDMI 2", "TV", "Netflix"],
            "volume_level": 0.2, "is_volume_muted": False, "source": "TV",
            "device_class": "tv", "friendly_name": "Living Room TV",
            "supported_features": 24509}, area="living_room", channel=None),
        E("input_boolean.guest_mode", "off", {"editable": True, "icon": "mdi:account",
                                               "friendly_name": "Guest Mode"}),
        E("automation.morning", "on", {"id": "1700000000001", "last_triggered": None,
                                        "mode": "single", "current": 0,
                                        "friendly_name": "Morning Routine"}, alexa=False),
        E("automation.night_lights", "on", {"id": "1700000000002", "last_triggered": None,
                                             "mode": "single", "current": 0,
                                             "friendly_name": "Night Lights"}, alexa=False),
        E("input_select.house_mode", "Home", {
            "options": ["Home", "Away", "Night", "Vacation"], "editable": True,
            "friendly_name": "House Mode"}, alexa=False),
        E("input_number.target_humidity", "45.0", {
            "initial": None, "editable": True, "min": 30.0, "max": 70.0, "step": 5.0,
            "mode": "slider", "unit_of_measurement": "%",
            "friendly_name": "Target Humidity"}, alexa=False),
        E("input_text.message", "", {"editable": True, "min": 0, "max": 100, "pattern": None,
                                      "mode": "text", "friendly_name": "Message"},
          alexa=False),
        E("timer.laundry", "idle", {"duration": "0:45:00", "editable": True,
                                     "restore": False, "friendly_name": "Laundry"},
          alexa=False),
        E("tts.google_translate_en_com", "unknown", {"friendly_name": "Google Translate en com"},
          alexa=False),
        E("sun.sun", "above_horizon", {"next_rising": "2026-11-23T06:45:00+00:00",
                                       "friendly_name": "Sun"}, alexa=False),
    ]
    return {e.entity_id: e for e in ents}


def build_custom_skill_extras():
    """Entities the Custom-skill tests add (HASimulator(custom_skill=True)): the speakers and
    TTS engine of examples/full.yaml, a second timer and two similarly named automations
    (ambiguity)."""
    E = Entity
    ents = [
        E("media_player.kitchen_speaker", "idle", {"volume_level": 0.3,
                                                   "friendly_name": "Kitchen Speaker",
                                                   "supported_features": 152461},
          area="kitchen", alexa=False),
        E("media_player.living_room_speaker", "idle", {"volume_level": 0.3,
                                                       "friendly_name": "Living Room Speaker",
                                                       "supported_features": 152461},
          area="living_room", alexa=False),
        E("tts.home_assistant_cloud", "unknown", {"friendly_name": "Home Assistant Cloud"},
          alexa=False),
        E("automation.kitchen_lights_on", "on", {"id": "1700000000003", "last_triggered": None,
                                                 "mode": "single", "current": 0,
                                                 "friendly_name": "Kitchen Lights On"},
          alexa=False),
        E("automation.kitchen_lights_off", "on", {"id": "1700000000004", "last_triggered": None,
                                                  "mode": "single", "current": 0,
                                                  "friendly_name": "Kitchen Lights Off"},
          alexa=False),
        E("timer.pasta", "idle", {"duration": "0:10:00", "editable": True, "restore": False,
                                  "friendly_name": "Pasta"}, alexa=False),
    ]
    return {e.entity_id: e for e in ents}


# Script fields (GET /api/services) of the Custom-skill house: the variables "run good night
# with a delay of ten minutes" passes (a duration, a number and a text).
SCRIPT_FIELDS = {
    "good_night": {
        "delay": {"name": "Delay", "description": "Wait before the lights go off.",
                  "required": False, "selector": {"duration": {}}},
        "brightness": {"name": "Brightness", "description": "Night light level.",
                       "selector": {"number": {"min": 0, "max": 100,
                                               "unit_of_measurement": "%"}}},
        "message": {"name": "Message", "description": "Said before bed.",
                    "selector": {"text": {}}},
    },
}


def build_sample_device():
    """`endpoint-001`: the id every official sample directive uses. One device that
    supports every interface the samples exercise (not something HA would expose, but it
    lets the official requests run unchanged)."""
    return Entity("sample.endpoint_001", "off", {"friendly_name": "Sample Device"},
                  alexa=True, endpoint_id="endpoint-001", last_brightness=255,
                  brightness=0, hs=(0.0, 0.0), color_b=1.0, ct=4000, percentage=0,
                  power_level=0, unit="F", mode="AUTO", target=72.0, low=68.0, high=76.0,
                  current=70.0, lock="LOCKED", volume=20, muted=False, input="HDMI1",
                  channel={"number": "1", "callSign": "KSTATION1",
                           "affiliateCallSign": "KSTATION2"},
                  playback="STOPPED")


# --------------------------------------------------------------------------------------
# Alexa side: discovery, properties, handlers
# --------------------------------------------------------------------------------------

# One broken entity in a discovery (HASimulator.break_discovery): what Home Assistant
# can send for an entity that makes Alexa's schema reject the whole Discover.Response.
DISCOVERY_BREAKS = {
    "cookie": lambda ep: ep["cookie"].update({"brightness": 254}),
    "friendly_name": lambda ep: ep.update({"friendlyName": "Lamp " * 40}),
    "description": lambda ep: ep.update({"description": ""}),
    "endpoint_id": lambda ep: ep.update({"endpointId": "light.bad id"}),
    "category": lambda ep: ep.update({"displayCategories": ["LAMP"]}),
    "no_capabilities": lambda ep: ep.update({"capabilities": []}),
    "capability_version": lambda ep: ep["capabilities"][0].update({"version": "2"}),
    "no_manufacturer": lambda ep: ep.pop("manufacturerName"),
}


def break_endpoint(ep, rule):
    ep = copy.deepcopy(ep)
    DISCOVERY_BREAKS[rule](ep)
    return ep


def eid_to_endpoint(entity_id):
    return entity_id.replace(".", "#", 1)


def iface(name, props=None, retrievable=True, proactive=False, **extra):
    c = {"type": "AlexaInterface", "interface": name, "version": "3"}
    if props:
        c["properties"] = {"supported": [{"name": p} for p in props],
                           "proactivelyReported": proactive, "retrievable": retrievable}
    c.update(extra)
    return c


MODE_HA_TO_ALEXA = {"heat": "HEAT", "cool": "COOL", "heat_cool": "AUTO", "auto": "AUTO",
                    "off": "OFF", "eco": "ECO"}
PLAYBACK_OPS = ["Play", "Pause", "Stop", "Next", "Previous", "FastForward", "Rewind",
                "StartOver"]


class SmartHome:
    """HA's alexa smart_home handler over the simulator's entities."""

    def __init__(self, sim):
        self.sim = sim

    # -- helpers ----------------------------------------------------------------------
    def endpoints(self):
        out = {}
        for e in self.sim.entities.values():
            if e.alexa:
                out[eid_to_endpoint(e.entity_id)] = e
        if self.sim.sample_devices:
            out["endpoint-001"] = self.sim.sample
        return out

    def interfaces(self, e):
        """List of (interface, props, extra) for entity e, in HA's order."""
        d = e.domain
        P = []
        if d == "light":
            P.append(("Alexa.PowerController", ["powerState"], {}))
            modes = e.attributes.get("supported_color_modes", [])
            if any(m in modes for m in ("brightness", "hs", "color_temp")):
                P.append(("Alexa.BrightnessController", ["brightness"], {}))
            if "hs" in modes:
                P.append(("Alexa.ColorController", ["color"], {}))
            if "color_temp" in modes:
                P.append(("Alexa.ColorTemperatureController", ["colorTemperatureInKelvin"],
                          {}))
        elif d in ("switch", "input_boolean"):
            P.append(("Alexa.PowerController", ["powerState"], {}))
        elif d == "fan":
            P.append(("Alexa.PowerController", ["powerState"], {}))
            P.append(("Alexa.PercentageController", ["percentage"], {}))
            P.append(("Alexa.PowerLevelController", ["powerLevel"], {}))
        elif d == "climate":
            modes = []
            for m in e.attributes["hvac_modes"]:
                am = MODE_HA_TO_ALEXA.get(m)
                if am and am not in modes:
                    modes.append(am)
            P.append(("Alexa.ThermostatController",
                      ["targetSetpoint", "lowerSetpoint", "upperSetpoint", "thermostatMode"],
                      {"configuration": {"supportedModes": modes,
                                         "supportsScheduling": False}}))
            P.append(("Alexa.TemperatureSensor", ["temperature"], {}))
        elif d == "lock":
            P.append(("Alexa.LockController", ["lockState"], {}))
        elif d == "sensor":
            P.append(("Alexa.TemperatureSensor", ["temperature"], {}))
        elif d == "cover":
            P.append(("Alexa.ModeController", ["mode"], {
                "instance": "cover.position",
                "capabilityResources": {"friendlyNames": [
                    {"@type": "asset", "value": {"assetId": "Alexa.Setting.Opening"}}]},
                "configuration": {"ordered": False, "supportedModes": [
                    {"value": "position.open", "modeResources": {"friendlyNames": [
                        {"@type": "asset", "value": {"assetId": "Alexa.Value.Open"}}]}},
                    {"value": "position.closed", "modeResources": {"friendlyNames": [
                        {"@type": "asset", "value": {"assetId": "Alexa.Value.Close"}}]}},
                ]},
                "semantics": {"actionMappings": [
                    {"@type": "ActionsToDirective", "actions": ["Alexa.Actions.Close"],
                     "directive": {"name": "SetMode", "payload": {"mode": "position.closed"}}},
                    {"@type": "ActionsToDirective", "actions": ["Alexa.Actions.Open"],
                     "directive": {"name": "SetMode", "payload": {"mode": "position.open"}}}],
                    "stateMappings": [
                    {"@type": "StatesToValue", "states": ["Alexa.States.Closed"],
                     "value": "position.closed"},
                    {"@type": "StatesToValue", "states": ["Alexa.States.Open"],
                     "value": "position.open"}]}}))
        elif d == "scene":
            P.append(("Alexa.SceneController", None, {"supportsDeactivation": False}))
        elif d == "script":
            P.append(("Alexa.SceneController", None, {"supportsDeactivation": True}))
        elif d == "media_player":
            P.append(("Alexa.PowerController", ["powerState"], {}))
            P.append(("Alexa.Speaker", ["volume", "muted"], {}))
            P.append(("Alexa.StepSpeaker", None, {}))
            P.append(("Alexa.PlaybackController", None,
                      {"supportedOperations": ["Play", "Pause", "Stop", "Next", "Previous"]}))
            P.append(("Alexa.InputController", ["input"], {
                "inputs": [{"name": n} for n in ("HDMI1", "HDMI2", "TV")]}))
            P.append(("Alexa.ChannelController", ["channel"], {}))
        elif d == "sample":
            P += [("Alexa.PowerController", ["powerState"], {}),
                  ("Alexa.BrightnessController", ["brightness"], {}),
                  ("Alexa.ColorController", ["color"], {}),
                  ("Alexa.ColorTemperatureController", ["colorTemperatureInKelvin"], {}),
                  ("Alexa.PercentageController", ["percentage"], {}),
                  ("Alexa.PowerLevelController", ["powerLevel"], {}),
                  ("Alexa.ThermostatController",
                   ["targetSetpoint", "lowerSetpoint", "upperSetpoint", "thermostatMode"],
                   {"configuration": {"supportedModes": ["HEAT", "COOL", "AUTO", "OFF"],
                                      "supportsScheduling": False}}),
                  ("Alexa.TemperatureSensor", ["temperature"], {}),
                  ("Alexa.LockController", ["lockState"], {}),
                  ("Alexa.SceneController", None, {"supportsDeactivation": True}),
                  ("Alexa.Speaker", ["volume", "muted"], {}),
                  ("Alexa.StepSpeaker", None, {}),
                  ("Alexa.PlaybackController", None, {"supportedOperations": PLAYBACK_OPS}),
                  ("Alexa.InputController", ["input"],
                   {"inputs": [{"name": "HDMI1"}, {"name": "HDMI2"}]}),
                  ("Alexa.ChannelController", ["channel"], {}),
                  ("Alexa.CameraStreamController", None, {"cameraStreamConfigurations": [
                      {"protocols": ["RTSP"], "resolutions": [{"width": 1920, "height": 1080},
                                                              {"width": 1280, "height": 720}],
                       "authorizationTypes": ["BASIC"], "videoCodecs": ["H264", "MPEG2"],
                       "audioCodecs": ["AAC", "G711"]}]})]
        P.append(("Alexa.EndpointHealth", ["connectivity"], {}))
        P.append(("Alexa", None, {}))
        return P

    def display_category(self, e):
        d = e.domain
        if d == "light":
            return "LIGHT"
        if d == "switch":
            return "SWITCH"
        if d == "fan":
            return "FAN"
        if d == "climate":
            return "THERMOSTAT"
        if d == "lock":
            return "SMARTLOCK"
        if d == "sensor":
            return "TEMPERATURE_SENSOR"
        if d == "cover":
            return "GARAGE_DOOR"
        if d == "scene":
            return "SCENE_TRIGGER"
        if d == "script":
            return "ACTIVITY_TRIGGER"
        if d == "media_player":
            return "TV"
        return "OTHER"

    def discovery_endpoint(self, eid, e):
        caps = []
        for name, props, extra in self.interfaces(e):
            if name == "Alexa.ThermostatController" and e.domain == "climate":
                props = ["targetSetpoint", "thermostatMode"]
                if "heat_cool" in e.attributes["hvac_modes"]:
                    props = ["targetSetpoint", "lowerSetpoint", "upperSetpoint",
                             "thermostatMode"]
            caps.append(iface(name, props, proactive=self.sim.report_state, **extra))
        return {"displayCategories": [self.display_category(e)], "cookie": {},
                "endpointId": eid, "friendlyName": e.name,
                "description": "%s via Home Assistant" % e.name,
                "manufacturerName": "Home Assistant",
                "additionalAttributes": {"manufacturer": "Home Assistant",
                                         "model": e.domain, "softwareVersion": HA_VERSION,
                                         "customIdentifier": "leec-sim-" + e.entity_id},
                "capabilities": caps}

    # -- state -> properties ------------------------------------------------------------
    def light_pct(self, e):
        if e.domain == "sample":
            return e.priv["brightness"] if e.state == "on" else 0
        b = e.attributes.get("brightness")
        if e.state != "on" or b is None:
            return 0
        return int(round(b * 100.0 / 255.0))

    def temp(self, e, value):
        scale = "FAHRENHEIT" if e.priv.get("unit") == "F" else "CELSIUS"
        return {"value": num(float(value)), "scale": scale}

    def prop_value(self, e, ns, name):
        d, a, p = e.domain, e.attributes, e.priv
        if ns == "Alexa.EndpointHealth":
            return {"value": "OK"}
        if ns == "Alexa.PowerController":
            if d == "media_player":
                return "OFF" if e.state in ("off", "standby") else "ON"
            return "ON" if e.state == "on" else "OFF"
        if ns == "Alexa.BrightnessController":
            return self.light_pct(e)
        if ns == "Alexa.ColorController":
            h, s = p["hs"]
            return {"hue": num(float(h)), "saturation": num(float(s) / 100.0),
                    "brightness": num(float(p["color_b"]))}
        if ns == "Alexa.ColorTemperatureController":
            return int(p["ct"])
        if ns == "Alexa.PercentageController":
            return int(p["percentage"]) if d == "sample" else int(a.get("percentage") or 0)
        if ns == "Alexa.PowerLevelController":
            return int(p["power_level"])
        if ns == "Alexa.ThermostatController":
            if d == "sample":
                return {"thermostatMode": p["mode"], "targetSetpoint": self.temp(e, p["target"]),
                        "lowerSetpoint": self.temp(e, p["low"]),
                        "upperSetpoint": self.temp(e, p["high"])}.get(name)
            if name == "thermostatMode":
                return MODE_HA_TO_ALEXA.get(e.state, "CUSTOM")
            key = {"targetSetpoint": "temperature", "lowerSetpoint": "target_temp_low",
                   "upperSetpoint": "target_temp_high"}[name]
            v = a.get(key)
            return None if v is None else self.temp(e, v)
        if ns == "Alexa.TemperatureSensor":
            if d == "sensor":
                return {"value": num(float(e.state)), "scale": "CELSIUS"}
            if d == "sample":
                return self.temp(e, p["current"])
            return self.temp(e, a["current_temperature"])
        if ns == "Alexa.LockController":
            if d == "sample":
                return p["lock"]
            return {"locked": "LOCKED", "unlocked": "UNLOCKED", "jammed": "JAMMED"}.get(
                e.state, "JAMMED")
        if ns == "Alexa.ModeController":
            return "position." + ("open" if e.state == "open" else "closed")
        if ns == "Alexa.Speaker":
            if d == "sample":
                return p["volume"] if name == "volume" else p["muted"]
            if name == "volume":
                return int(round(a["volume_level"] * 100))
            return bool(a["is_volume_muted"])
        if ns == "Alexa.PlaybackStateReporter":
            return {"state": {"playing": "PLAYING", "paused": "PAUSED"}.get(e.state,
                                                                             "STOPPED")}
        if ns == "Alexa.InputController":
            if d == "sample":
                return p["input"]
            return (a.get("source") or "TV").replace(" ", "").upper()
        if ns == "Alexa.ChannelController":
            return p.get("channel")
        return None

    def properties(self, e):
        t = now_iso()
        out = []
        for ns, props, extra in self.interfaces(e):
            for name in props or ():
                if name == "mode" and ns == "Alexa.ModeController":
                    v = self.prop_value(e, ns, name)
                    out.append({"namespace": ns, "instance": extra["instance"], "name": name,
                                "value": v, "timeOfSample": t,
                                "uncertaintyInMilliseconds": 0})
                    continue
                v = self.prop_value(e, ns, name)
                if v is None:
                    continue
                out.append({"namespace": ns, "name": name, "value": v, "timeOfSample": t,
                            "uncertaintyInMilliseconds": 0})
        return out

    # -- message construction -------------------------------------------------------------
    @staticmethod
    def header(namespace, name, corr):
        h = {"namespace": namespace, "name": name, "payloadVersion": "3",
             "messageId": str(uuid.uuid4())}
        if corr is not None:
            h["correlationToken"] = corr
        return h

    def response(self, d, e, name="Response", namespace="Alexa", payload=None):
        hdr = d["header"]
        msg = {"event": {"header": self.header(namespace, name, hdr.get("correlationToken")),
                         "payload": payload or {}}}
        if "endpoint" in d:
            msg["event"]["endpoint"] = copy.deepcopy(d["endpoint"])
        if e is not None:
            msg["context"] = {"properties": self.properties(e)}
        return msg

    def error(self, d, err):
        hdr = d.get("header", {})
        payload = {"type": err.etype, "message": err.message}
        payload.update(err.payload)
        msg = {"event": {"header": self.header(err.namespace, "ErrorResponse",
                                               hdr.get("correlationToken")),
                         "payload": payload}}
        if isinstance(d.get("endpoint"), dict):
            msg["event"]["endpoint"] = copy.deepcopy(d["endpoint"])
        return msg

    # -- dispatch -------------------------------------------------------------------------
    def handle(self, body):
        """Returns (status, bytes, content_type)."""
        try:
            msg = json.loads(body)
            d = msg["directive"]
            hdr = d["header"]
            if hdr.get("payloadVersion") != "3":
                raise ValueError("Unsupported payloadVersion")
            ns, name = hdr["namespace"], hdr["name"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return 500, TEXT_500, "text/plain; charset=utf-8"
        with self.sim.lock:
            try:
                reply = self.dispatch(d, ns, name)
            except AlexaError as err:
                reply = self.error(d, err)
            except Exception as ex:  # a handler bug: HA answers INTERNAL_ERROR
                reply = self.error(d, AlexaError("INTERNAL_ERROR", "simulator: %r" % ex))
        self.sim.alexa_log.append((ns, name, reply))
        return 200, json.dumps(reply).encode(), "application/json"

    def dispatch(self, d, ns, name):
        payload = d.get("payload") or {}
        if (ns, name) == ("Alexa.Discovery", "Discover"):
            eps = [self.discovery_endpoint(k, v) for k, v in self.endpoints().items()]
            if self.sim.discovery_break:
                rule, index = self.sim.discovery_break
                eps[index % len(eps)] = break_endpoint(eps[index % len(eps)], rule)
            return {"event": {"header": self.header("Alexa.Discovery", "Discover.Response",
                                                    None),
                              "payload": {"endpoints": eps}}}
        if (ns, name) == ("Alexa.Authorization", "AcceptGrant"):
            code = ((payload.get("grant") or {}).get("code"))
            if not code or code.startswith("fail"):
                raise AlexaError("ACCEPT_GRANT_FAILED", "Failed to retrieve authorization",
                                 namespace="Alexa.Authorization")
            return {"event": {"header": self.header("Alexa.Authorization",
                                                    "AcceptGrant.Response", None),
                              "payload": {}}}
        ep = d.get("endpoint") or {}
        eid = ep.get("endpointId")
        e = self.endpoints().get(eid)
        if e is None:
            raise AlexaError("NO_SUCH_ENDPOINT", "The endpoint %s does not exist" % eid)
        if (ns, name) == ("Alexa", "ReportState"):
            return self.response(d, e, name="StateReport")
        supported = {i[0] for i in self.interfaces(e)}
        fn = getattr(self, "h_" + ns.replace("Alexa.", "").replace(".", "_") + "_" + name,
                     None)
        if fn is None or ns not in supported:
            raise AlexaError("INVALID_DIRECTIVE",
                             "Unsupported directive %s.%s for %s" % (ns, name, eid))
        out = fn(d, e, payload)
        if out is None:
            out = self.response(d, e)
        e.touch()
        return out

    # -- generic power --------------------------------------------------------------------
    def turn_on(self, e):
        d = e.domain
        if d == "light":
            self.sim.light_on(e)
        elif d == "sample":
            e.set_state("on")
            if e.priv["brightness"] == 0:
                e.priv["brightness"] = int(round(e.priv["last_brightness"] * 100 / 255.0))
        elif d == "fan":
            self.sim.svc_fan(e, "turn_on", {})
        elif d == "media_player":
            e.set_state("on")
        else:
            e.set_state("on")
        self.sim.record_service(d, "turn_on", {"entity_id": e.entity_id})

    def turn_off(self, e):
        d = e.domain
        if d == "light":
            self.sim.light_off(e)
        elif d == "fan":
            self.sim.svc_fan(e, "turn_off", {})
        else:
            e.set_state("off")
        self.sim.record_service(d, "turn_off", {"entity_id": e.entity_id})

    def h_PowerController_TurnOn(self, d, e, p):
        self.turn_on(e)

    def h_PowerController_TurnOff(self, d, e, p):
        self.turn_off(e)

    # -- lights ---------------------------------------------------------------------------
    def set_brightness_pct(self, e, pct):
        pct = int(clamp(round(pct), 0, 100))
        if e.domain == "sample":
            if pct == 0:
                e.set_state("off")
                e.priv["brightness"] = 0
            else:
                e.set_state("on")
                e.priv["brightness"] = pct
                e.priv["last_brightness"] = round(pct * 255 / 100.0)
            return
        if pct == 0:
            self.sim.light_off(e)
        else:
            self.sim.light_on(e, brightness=int(round(pct * 255 / 100.0)))

    def h_BrightnessController_SetBrightness(self, d, e, p):
        self.set_brightness_pct(e, p["brightness"])

    def h_BrightnessController_AdjustBrightness(self, d, e, p):
        cur = self.light_pct(e)
        self.set_brightness_pct(e, clamp(cur + p["brightnessDelta"], 0, 100))

    def h_ColorController_SetColor(self, d, e, p):
        c = p["color"]
        e.priv["hs"] = (float(c["hue"]), float(c["saturation"]) * 100.0)
        # Alexa's colour brightness component is kept as sent (the capability test plans
        # expect it back unchanged, independent of BrightnessController).
        e.priv["color_b"] = float(c["brightness"])
        if e.domain == "sample":
            e.set_state("on")
            if e.priv["brightness"] == 0:
                e.priv["brightness"] = 100
        else:
            self.sim.light_on(e, hs=e.priv["hs"])

    def set_ct(self, e, k):
        if e.domain == "light":
            lo = e.attributes["min_color_temp_kelvin"]
            hi = e.attributes["max_color_temp_kelvin"]
        else:
            lo, hi = 1000, 10000
        k = int(clamp(k, lo, hi))
        e.priv["ct"] = k
        if e.domain == "sample":
            e.set_state("on")
            if e.priv["brightness"] == 0:
                e.priv["brightness"] = 100
        else:
            self.sim.light_on(e, ct=k)

    def h_ColorTemperatureController_SetColorTemperature(self, d, e, p):
        self.set_ct(e, p["colorTemperatureInKelvin"])

    def h_ColorTemperatureController_IncreaseColorTemperature(self, d, e, p):
        self.set_ct(e, e.priv["ct"] + self.sim.ct_step_kelvin)

    def h_ColorTemperatureController_DecreaseColorTemperature(self, d, e, p):
        self.set_ct(e, e.priv["ct"] - self.sim.ct_step_kelvin)

    # -- percentage / power level ---------------------------------------------------------
    def set_percentage(self, e, v):
        v = int(clamp(round(v), 0, 100))
        if e.domain == "sample":
            e.priv["percentage"] = v
            return
        self.sim.svc_fan(e, "set_percentage", {"percentage": v})

    def h_PercentageController_SetPercentage(self, d, e, p):
        self.set_percentage(e, p["percentage"])

    def h_PercentageController_AdjustPercentage(self, d, e, p):
        self.set_percentage(e, self.prop_value(e, "Alexa.PercentageController", "percentage")
                            + p["percentageDelta"])

    def h_PowerLevelController_SetPowerLevel(self, d, e, p):
        e.priv["power_level"] = int(clamp(p["powerLevel"], 0, 100))
        if e.domain == "fan":
            self.set_percentage(e, e.priv["power_level"])

    def h_PowerLevelController_AdjustPowerLevel(self, d, e, p):
        e.priv["power_level"] = int(clamp(e.priv["power_level"] + p["powerLevelDelta"], 0, 100))
        if e.domain == "fan":
            self.set_percentage(e, e.priv["power_level"])

    # -- thermostat -----------------------------------------------------------------------
    def to_unit(self, e, t, delta=False):
        v, scale = float(t["value"]), t.get("scale", "CELSIUS")
        unit = e.priv.get("unit", "C")
        if scale == "KELVIN":
            v = v if delta else v - 273.15
            scale = "CELSIUS"
        if scale == "FAHRENHEIT" and unit == "C":
            v = v * 5.0 / 9.0 if delta else f_to_c(v)
        elif scale == "CELSIUS" and unit == "F":
            v = v * 9.0 / 5.0 if delta else c_to_f(v)
        return round(v, 1)

    def t_range(self, e):
        if e.domain == "sample":
            return (40.0, 100.0)
        return (float(e.attributes["min_temp"]), float(e.attributes["max_temp"]))

    def check_range(self, e, v):
        lo, hi = self.t_range(e)
        if not lo <= v <= hi:
            raise AlexaError("TEMPERATURE_VALUE_OUT_OF_RANGE",
                             "Setpoint %s is out of range" % num(v),
                             payload={"validRange": {"minimumValue": self.temp(e, lo),
                                                     "maximumValue": self.temp(e, hi)}})
        return v

    def h_ThermostatController_SetTargetTemperature(self, d, e, p):
        vals = {}
        for k, attr in (("targetSetpoint", "temperature"), ("lowerSetpoint", "target_temp_low"),
                        ("upperSetpoint", "target_temp_high")):
            if k in p:
                vals[attr] = self.check_range(e, self.to_unit(e, p[k]))
        if not vals:
            raise AlexaError("INVALID_VALUE", "No setpoint given")
        if "target_temp_low" in vals and "target_temp_high" in vals and \
                vals["target_temp_high"] - vals["target_temp_low"] < 1:
            raise AlexaError("REQUESTED_SETPOINTS_TOO_CLOSE", "Setpoints too close",
                             namespace="Alexa.ThermostatController",
                             payload={"minimumTemperatureDelta": self.temp(e, 1.0)})
        if e.domain == "sample":
            m = {"temperature": "target", "target_temp_low": "low", "target_temp_high": "high"}
            for k, v in vals.items():
                e.priv[m[k]] = v
        else:
            if "temperature" not in vals and e.state not in ("heat_cool",) and \
                    "heat_cool" in e.attributes["hvac_modes"]:
                e.set_state("heat_cool")
            if "temperature" in vals and len(vals) == 1:
                e.attributes.update(target_temp_low=None, target_temp_high=None)
            elif "temperature" not in vals:
                e.attributes["temperature"] = None
            e.attributes.update(vals)
            self.sim.record_service("climate", "set_temperature",
                                    dict(vals, entity_id=e.entity_id))

    def h_ThermostatController_AdjustTargetTemperature(self, d, e, p):
        delta = self.to_unit(e, p["targetSetpointDelta"], delta=True)
        if e.domain == "sample":
            e.priv["target"] = self.check_range(e, e.priv["target"] + delta)
            return
        a = e.attributes
        if a.get("temperature") is not None:
            a["temperature"] = self.check_range(e, float(a["temperature"]) + delta)
        elif a.get("target_temp_low") is not None:
            a["target_temp_low"] = self.check_range(e, float(a["target_temp_low"]) + delta)
            a["target_temp_high"] = self.check_range(e, float(a["target_temp_high"]) + delta)
        else:
            raise AlexaError("INVALID_VALUE", "No target temperature")
        self.sim.record_service("climate", "set_temperature", {"entity_id": e.entity_id})

    def h_ThermostatController_SetThermostatMode(self, d, e, p):
        mode = p["thermostatMode"]
        mode = mode.get("value") if isinstance(mode, dict) else mode
        if e.domain == "sample":
            if mode not in ("HEAT", "COOL", "AUTO", "OFF"):
                raise AlexaError("UNSUPPORTED_THERMOSTAT_MODE", "Unsupported mode %s" % mode,
                                 namespace="Alexa.ThermostatController")
            e.priv["mode"] = mode
            return
        for ha_mode in e.attributes["hvac_modes"]:
            if MODE_HA_TO_ALEXA.get(ha_mode) == mode:
                e.set_state(ha_mode)
                if ha_mode in ("heat_cool",) and e.attributes.get("target_temp_low") is None:
                    t = e.attributes.get("temperature") or 20
                    e.attributes.update(target_temp_low=t - 1, target_temp_high=t + 2)
                self.sim.record_service("climate", "set_hvac_mode",
                                        {"entity_id": e.entity_id, "hvac_mode": ha_mode})
                return
        raise AlexaError("UNSUPPORTED_THERMOSTAT_MODE",
                         "The thermostat doesn't support %s mode" % mode,
                         namespace="Alexa.ThermostatController")

    # -- lock, cover, scene ---------------------------------------------------------------
    def h_LockController_Lock(self, d, e, p):
        if e.domain == "sample":
            e.priv["lock"] = "LOCKED"
        else:
            e.set_state("locked")
            self.sim.record_service("lock", "lock", {"entity_id": e.entity_id})

    def h_LockController_Unlock(self, d, e, p):
        if e.domain == "sample":
            e.priv["lock"] = "UNLOCKED"
        else:
            e.set_state("unlocked")
            self.sim.record_service("lock", "unlock", {"entity_id": e.entity_id})

    def h_ModeController_SetMode(self, d, e, p):
        mode = p.get("mode")
        if mode not in ("position.open", "position.closed"):
            raise AlexaError("INVALID_VALUE", "Unknown mode %s" % mode)
        e.set_state("open" if mode == "position.open" else "closed")
        self.sim.record_service("cover", "open_cover" if mode == "position.open"
                                else "close_cover", {"entity_id": e.entity_id})

    def scene_event(self, d, e, name):
        return self.response(d, None, name=name, namespace="Alexa.SceneController",
                             payload={"cause": {"type": "VOICE_INTERACTION"},
                                      "timestamp": now_iso()}) | {
            "context": {"properties": [p for p in self.properties(e)
                                       if p["namespace"] == "Alexa.EndpointHealth"]}}

    def h_SceneController_Activate(self, d, e, p):
        if e.domain in ("scene", "script"):
            self.sim.record_service(e.domain, "turn_on", {"entity_id": e.entity_id})
            if e.domain == "script":
                e.attributes["last_triggered"] = ha_time()
            else:
                e.set_state(ha_time())
        return self.scene_event(d, e, "ActivationStarted")

    def h_SceneController_Deactivate(self, d, e, p):
        if e.domain == "scene":
            raise AlexaError("INVALID_DIRECTIVE", "Scenes cannot be deactivated")
        if e.domain == "script":
            self.sim.record_service("script", "turn_off", {"entity_id": e.entity_id})
            e.set_state("off")
        return self.scene_event(d, e, "DeactivationStarted")

    # -- media ----------------------------------------------------------------------------
    def set_volume(self, e, v):
        v = int(clamp(round(v), 0, 100))
        if e.domain == "sample":
            e.priv["volume"] = v
        else:
            e.attributes["volume_level"] = v / 100.0
            self.sim.record_service("media_player", "volume_set",
                                    {"entity_id": e.entity_id, "volume_level": v / 100.0})

    def set_mute(self, e, m):
        if e.domain == "sample":
            e.priv["muted"] = bool(m)
        else:
            e.attributes["is_volume_muted"] = bool(m)
            self.sim.record_service("media_player", "volume_mute",
                                    {"entity_id": e.entity_id, "is_volume_muted": bool(m)})

    def cur_volume(self, e):
        return self.prop_value(e, "Alexa.Speaker", "volume")

    def h_Speaker_SetVolume(self, d, e, p):
        self.set_volume(e, p["volume"])

    def h_Speaker_AdjustVolume(self, d, e, p):
        if p.get("volumeDefault"):
            self.set_volume(e, self.cur_volume(e) + (10 if p["volume"] > 0 else -10))
        else:
            self.set_volume(e, self.cur_volume(e) + p["volume"])

    def h_Speaker_SetMute(self, d, e, p):
        self.set_mute(e, p["mute"])

    def h_StepSpeaker_AdjustVolume(self, d, e, p):
        steps = int(p["volumeSteps"])
        if p.get("volumeStepsDefault"):
            steps = 10 if steps > 0 else -10
        self.set_volume(e, self.cur_volume(e) + steps)

    def h_StepSpeaker_SetMute(self, d, e, p):
        self.set_mute(e, p["mute"])

    def playback(self, d, e, op):
        if e.domain == "media_player":
            ops = ["Play", "Pause", "Stop", "Next", "Previous"]
            if op not in ops:
                raise AlexaError("INVALID_DIRECTIVE", "%s not supported" % op)
            new = {"Play": "playing", "Pause": "paused", "Stop": "idle"}.get(op)
            if new:
                e.set_state(new)
            self.sim.record_service("media_player", {
                "Play": "media_play", "Pause": "media_pause", "Stop": "media_stop",
                "Next": "media_next_track", "Previous": "media_previous_track"}[op],
                {"entity_id": e.entity_id})
        else:
            e.priv["playback"] = {"Play": "PLAYING", "Pause": "PAUSED",
                                  "Stop": "STOPPED"}.get(op, "PLAYING")

    for _op in PLAYBACK_OPS:
        locals()["h_PlaybackController_" + _op] = (
            lambda self, d, e, p, _op=_op: self.playback(d, e, _op))
    del _op

    def h_InputController_SelectInput(self, d, e, p):
        want = str(p["input"])
        if e.domain == "sample":
            e.priv["input"] = want
            return
        norm = want.replace(" ", "").upper()
        for src in e.attributes["source_list"]:
            if src.replace(" ", "").upper() == norm:
                e.attributes["source"] = src
                self.sim.record_service("media_player", "select_source",
                                        {"entity_id": e.entity_id, "source": src})
                return
        raise AlexaError("INVALID_VALUE", "Not a valid input: %s" % want)

    def h_ChannelController_ChangeChannel(self, d, e, p):
        ch = p.get("channel") or {}
        meta = p.get("channelMetadata") or {}
        new = {}
        for k in ("number", "callSign", "affiliateCallSign"):
            if ch.get(k):
                new[k] = str(ch[k])
        if not new and meta.get("name"):
            new["callSign"] = meta["name"]
        if not new:
            raise AlexaError("INVALID_VALUE", "No channel given")
        e.priv["channel"] = new
        if e.domain == "media_player":
            self.sim.record_service("media_player", "play_media", {
                "entity_id": e.entity_id, "media_content_type": "channel",
                "media_content_id": new.get("number") or new.get("callSign")})

    def h_ChannelController_SkipChannels(self, d, e, p):
        cur = e.priv.get("channel") or {"number": "1"}
        try:
            n = int(cur.get("number", "1"))
        except ValueError:
            n = 1
        e.priv["channel"] = {"number": str(max(1, n + int(p["channelCount"])))}
        if e.domain == "media_player":
            self.sim.record_service("media_player", "media_next_track",
                                    {"entity_id": e.entity_id})

    def h_CameraStreamController_InitializeCameraStreams(self, d, e, p):
        exp = (datetime.datetime.now(datetime.timezone.utc)
               + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.00Z")
        streams = []
        for i, s in enumerate(p.get("cameraStreams") or [{"protocol": "RTSP"}]):
            streams.append({"uri": "rtsp://127.0.0.1:8554/feed%d.mp4" % (i + 1),
                            "expirationTime": exp, "idleTimeoutSeconds": 30,
                            "protocol": s.get("protocol", "RTSP"),
                            "resolution": s.get("resolution", {"width": 1280, "height": 720}),
                            "authorizationType": "BASIC",
                            "videoCodec": s.get("videoCodec", "H264"),
                            "audioCodec": s.get("audioCodec", "AAC")})
        r = self.response(d, None, namespace="Alexa.CameraStreamController",
                          payload={"cameraStreams": streams,
                                   "imageUri": "https://127.0.0.1/image.jpg"})
        r["context"] = {"properties": [p for p in self.properties(e)
                                       if p["namespace"] == "Alexa.EndpointHealth"]}
        return r


# --------------------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------------------

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, handler, sim):
        self.sim = sim
        super().__init__(addr, handler)

    def get_request(self):
        # Like Home Assistant's aiohttp server: no Nagle delay on replies (otherwise a
        # kept-alive client waits ~40 ms for the delayed ACK on every reused connection).
        sock, addr = super().get_request()
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        return sock, addr

    def finish_request(self, request, client_address):
        if self.sim.ssl_context is not None:
            try:
                request.settimeout(10)
                request = self.sim.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as ex:
                self.sim.tls_failures.append(repr(ex))
                try:
                    request.close()
                except OSError:
                    pass
                return
            with self.sim.lock:
                self.sim.connections += 1
                close_now = self.sim.close_after_handshake > 0
                if close_now:
                    self.sim.close_after_handshake -= 1
            if close_now:
                # like a proxy closing an idle connection: close_notify, then FIN
                try:
                    request.settimeout(0.5)
                    request.unwrap().close()
                except (ssl.SSLError, OSError):
                    request.close()
                with self.sim.lock:
                    self.sim.closed_after_handshake += 1
                return
            try:
                self.RequestHandlerClass(request, client_address, self)
            finally:
                self.shutdown_request(request)
            return
        with self.sim.lock:
            self.sim.connections += 1
        self.RequestHandlerClass(request, client_address, self)

    def handle_error(self, request, client_address):
        pass  # connection resets etc. are part of the game


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Python/3 aiohttp/3.11"
    sys_version = ""

    def setup(self):
        # keep-alive: an idle connection is closed (FIN) after keepalive_timeout_s
        self.timeout = self.server.sim.keepalive_timeout_s
        super().setup()

    def log_message(self, fmt, *args):
        if self.server.sim.verbose:
            sys.stderr.write("ha-sim: " + (fmt % args) + "\n")

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.server.sim._serve(self, "GET")

    def do_POST(self):
        self.server.sim._serve(self, "POST")

    def do_PUT(self):
        self.server.sim._serve(self, "PUT")

    def do_DELETE(self):
        self.server.sim._serve(self, "DELETE")


class HASimulator(LoopbackService):
    thread_name = "ha-simulator"

    """See module docstring.

    HASimulator(tokens=None, port=0, tls_cert=None, tls_key=None,
                require_client_cert_ca=None, ban_after=5, sample_devices=True,
                alexa_enabled=True, report_state=False, ct_step_kelvin=500,
                admin_tokens=None, verbose=False, custom_skill=False)
    """

    def __init__(self, tokens=None, port=0, tls_cert=None, tls_key=None,
                 require_client_cert_ca=None, ban_after=5, sample_devices=True,
                 alexa_enabled=True, report_state=False, ct_step_kelvin=500,
                 admin_tokens=None, verbose=False, host="127.0.0.1", custom_skill=False):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulator binds loopback only")
        self.tokens = list(tokens) if tokens else [DEFAULT_TOKEN]
        self.admin_tokens = list(admin_tokens) if admin_tokens is not None else None
        self.host = "127.0.0.1" if host == "localhost" else host
        self._port = port
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.require_client_cert_ca = require_client_cert_ca
        self.ban_after = ban_after
        self.sample_devices = sample_devices
        self.alexa_enabled = alexa_enabled
        self.report_state = report_state
        self.ct_step_kelvin = ct_step_kelvin
        self.verbose = verbose
        self.custom_skill = custom_skill  # add build_custom_skill_extras() to the house
        self.lock = threading.RLock()
        self.ssl_context = None
        self._server = None
        self._thread = None
        self.smart_home = SmartHome(self)
        self.reset()

    # -- lifecycle ------------------------------------------------------------------------
    def reset(self):
        """Forget requests, bans, failed logins, service calls and faults; rebuild the
        house."""
        with self.lock:
            self.requests = []
            self.service_calls = []
            self.alexa_log = []
            self.tls_failures = []
            self.failed_logins = {}
            self.banned = set()
            self.fault = {"mode": "none"}
            self.discovery_break = None
            self.connections = 0            # accepted (HTTPS: handshakes completed)
            self.close_after_handshake = 0  # close the next N connections once TLS is up
            self.closed_after_handshake = 0
            self.keepalive_timeout_s = None  # close a kept-alive connection idle this long
            self.entities = build_house()
            if getattr(self, "custom_skill", False):
                self.entities.update(build_custom_skill_extras())
                for obj, fields in SCRIPT_FIELDS.items():
                    if "script." + obj in self.entities:
                        self.entities["script." + obj].priv["fields"] = copy.deepcopy(fields)
            self.sample = build_sample_device()
            self.conversations = {}

    def start(self):
        if self.tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(self.tls_cert, self.tls_key)
            if self.require_client_cert_ca:
                ctx.verify_mode = ssl.CERT_REQUIRED
                ctx.load_verify_locations(self.require_client_cert_ca)
            self.ssl_context = ctx
        return super().start()

    def _make_server(self):
        return _Server((self.host, self._port), _Handler, self)

    @property
    def url(self):
        scheme = "https" if self.tls_cert else "http"
        return "%s://%s:%d" % (scheme, self.host, self.port)

    # -- faults ---------------------------------------------------------------------------
    def break_discovery(self, rule, index=0):
        """Discover.Response with endpoint number index broken by rule (a key of
        DISCOVERY_BREAKS: cookie, friendly_name, endpoint_id, ...); None: all valid."""
        if rule is not None and rule not in DISCOVERY_BREAKS:
            raise ValueError("unknown discovery break %r (one of %s)" % (
                rule, ", ".join(sorted(DISCOVERY_BREAKS))))
        with self.lock:
            self.discovery_break = None if rule is None else (rule, int(index))

    def set_fault(self, mode, **params):
        """mode: none | status(status=503, body=..., content_type=...) | html200(body=...)
        | truncated(body=..., keep=N) | slow(seconds=N) | reset | big(size=N)
        | ban(after=N) | raw(body=BYTES, status=200, content_type=..., headers={...})
        | bigheader(size=N, status=200) | close   Common params: path=PREFIX (only matching paths),
        times=N (then back to none).
        raw: the body bytes exactly as given (hostile replies: control characters, a BOM,
        invalid UTF-8, duplicate keys, ...); bigheader: a 200 reply with one response
        header of about N bytes (larger than a client's header cap) and a valid body;
        close: the request is read, then the connection is closed without an answer (what
        a kept-alive connection Home Assistant dropped looks like to a client)."""
        modes = ("none", "status", "html200", "truncated", "slow", "reset", "big", "ban", "raw",
                 "bigheader", "close")
        if mode not in modes:
            raise ValueError("unknown fault mode %r (one of %s)" % (mode, ", ".join(modes)))
        with self.lock:
            if mode == "ban":
                self.ban_after = int(params.get("after", params.get("n", self.ban_after)))
                self.fault = {"mode": "none"}
                return
            f = {"mode": mode}
            f.update(params)
            self.fault = f

    def _take_fault(self, path):
        with self.lock:
            f = self.fault
            if f["mode"] == "none":
                return None
            if f.get("path") and not path.startswith(f["path"]):
                return None
            if f.get("times") is not None:
                f["times"] -= 1
                if f["times"] <= 0:
                    self.fault = {"mode": "none"}
            return dict(f)

    # -- request plumbing -----------------------------------------------------------------
    def record_service(self, domain, service, data):
        self.service_calls.append({"domain": domain, "service": service, "data": data,
                                   "time": time.time()})

    def posts(self, path=None):
        return [r for r in self.requests if r["method"] == "POST" and
                (path is None or r["path"] == path)]

    def _send(self, h, status, body, ctype="application/json", extra=None):
        if isinstance(body, str):
            body = body.encode()
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)
        h.wfile.flush()

    def _json(self, h, status, obj, extra=None):
        self._send(h, status, json.dumps(obj), "application/json", extra)

    def _reset_conn(self, h):
        sock = h.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            raw = sock
            if isinstance(sock, ssl.SSLSocket):  # no close_notify: just drop it
                raw = socket.socket(fileno=sock.detach())
            raw.close()
        except OSError:
            pass
        h.close_connection = True
        h.wfile = _NullWriter()
        h.rfile = _NullWriter()

    def _serve(self, h, method):
        t0 = time.time()
        raw_path = h.path
        path = raw_path.split("?", 1)[0]
        try:
            body = h._read_body()
        except (ValueError, OSError):
            body = b""
        client_ip = h.client_address[0]
        auth = h.headers.get("Authorization")
        token = None
        if auth and auth.startswith("Bearer "):
            token = auth[7:].strip()
        if auth is None:
            kind = "missing"
        elif token in self.tokens:
            kind = "valid"
        elif token and token.startswith("expired-"):
            kind = "expired"
        else:
            kind = "invalid"
        headers = {}
        for k, v in h.headers.items():
            headers[k] = "REDACTED" if k.lower() == "authorization" else v
        peer = None
        if isinstance(h.connection, ssl.SSLSocket):
            try:
                pc = h.connection.getpeercert()
                if pc:
                    peer = dict(x[0] for x in pc.get("subject", ())).get("commonName")
            except (ValueError, OSError):
                pass
        rec = {"method": method, "path": path, "query": raw_path[len(path) + 1:] or None,
               "headers": headers, "auth_present": auth is not None,
               "auth_valid": kind == "valid", "auth_kind": kind,
               "token_index": self.tokens.index(token) if kind == "valid" else None,
               "body": body, "time": t0, "client": client_ip, "client_cert_cn": peer,
               "status": None}
        with self.lock:
            self.requests.append(rec)

        fault = self._take_fault(path)
        if fault:
            m = fault["mode"]
            rec["fault"] = m
            if m == "slow":
                time.sleep(float(fault.get("seconds", 5)))
            elif m == "reset":
                rec["status"] = "reset"
                self._reset_conn(h)
                return
            elif m == "close":
                rec["status"] = "closed"
                h.close_connection = True  # FIN after the read request, no answer
                return
            elif m == "status":
                st = int(fault.get("status", 500))
                b = fault.get("body")
                if b is None:
                    b = {404: b"404: Not Found", 500: TEXT_500,
                         502: b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                         503: b"<html><body><h1>503 Service Unavailable</h1></body></html>",
                         504: b"<html><body><h1>504 Gateway Time-out</h1></body></html>"}.get(
                        st, ("%d: error" % st).encode())
                ct = fault.get("content_type") or (
                    "text/html" if st in (502, 503, 504) else "text/plain; charset=utf-8")
                rec["status"] = st
                self._send(h, st, b, ct)
                return
            elif m == "html200":
                rec["status"] = 200
                self._send(h, 200, fault.get("body", CAPTIVE_PORTAL), "text/html")
                return
            elif m == "truncated":
                b = fault.get("body")
                if b is None:
                    b = json.dumps({"event": {"header": {
                        "namespace": "Alexa", "name": "Response", "payloadVersion": "3",
                        "messageId": str(uuid.uuid4())}, "payload": {}}}).encode()
                if isinstance(b, str):
                    b = b.encode()
                b = b[:int(fault.get("keep", max(1, len(b) // 2)))]
                rec["status"] = 200
                self._send(h, 200, b, "application/json")
                return
            elif m == "raw":
                b = fault.get("body", b"")
                if isinstance(b, str):
                    b = b.encode()
                st = int(fault.get("status", 200))
                rec["status"] = st
                self._send(h, st, b, fault.get("content_type") or "application/json",
                           fault.get("headers"))
                return
            elif m == "bigheader":
                st = int(fault.get("status", 200))
                rec["status"] = st
                pad = "x" * max(1, int(fault.get("size", 300 * 1024)))
                self._send(h, st, json.dumps({"event": {"header": {
                    "namespace": "Alexa", "name": "Response", "payloadVersion": "3",
                    "messageId": str(uuid.uuid4())}, "payload": {}}}), "application/json",
                    {"X-Padding": pad})
                return
            elif m == "big":
                size = int(fault.get("size", 1 << 20))
                pre, post = b'{"event":{"payload":{"pad":"', b'"}}}'
                pad = max(0, size - len(pre) - len(post))
                rec["status"] = 200
                self._send(h, 200, pre + b"x" * pad + post, "application/json")
                return

        with self.lock:
            if client_ip in self.banned:
                rec["status"] = 403
                self._send(h, 403, b"403: Forbidden", "text/plain; charset=utf-8")
                return
            if kind != "valid":
                n = self.failed_logins.get(client_ip, 0) + 1
                self.failed_logins[client_ip] = n
                if self.ban_after and n >= self.ban_after:
                    self.banned.add(client_ip)
                rec["status"] = 401
                self._json(h, 401, {"message": "Invalid authentication"})
                return

        status, out, ctype = self._route(method, path, body, token)
        rec["status"] = status
        self._send(h, status, out, ctype)

    # -- routing --------------------------------------------------------------------------
    def _route(self, method, path, body, token):
        J = "application/json"
        nf = (404, b"404: Not Found", "text/plain; charset=utf-8")
        na = (405, b"405: Method Not Allowed", "text/plain; charset=utf-8")

        def js(status, obj):
            return status, json.dumps(obj).encode(), J

        if path == "/api/alexa/smart_home":
            if not self.alexa_enabled:
                return nf
            if method != "POST":
                return na
            return self.smart_home.handle(body)
        if path == "/api/":
            return js(200, {"message": "API running."}) if method == "GET" else na
        if path == "/api/config":
            return js(200, self.config()) if method == "GET" else na
        if path == "/api/states":
            if method != "GET":
                return na
            with self.lock:
                return js(200, [e.as_json() for e in self.entities.values()])
        if path.startswith("/api/states/"):
            eid = path[len("/api/states/"):]
            with self.lock:
                e = self.entities.get(eid)
                if method == "GET":
                    return js(200, e.as_json()) if e else js(404, {
                        "message": "Entity not found."})
            return na
        if path == "/api/services":
            if method != "GET":
                return na
            with self.lock:
                return js(200, self.services())
        m = re.fullmatch(r"/api/services/([a-z0-9_]+)/([a-z0-9_]+)", path)
        if m:
            if method != "POST":
                return na
            try:
                data = json.loads(body) if body.strip() else {}
                if not isinstance(data, dict):
                    raise ValueError("not an object")
            except ValueError:
                return js(400, {"message": "Data should be valid JSON."})
            with self.lock:
                try:
                    changed = self.call_service(m.group(1), m.group(2), data)
                except ServiceError as ex:
                    return js(400, {"message": str(ex)})
            return js(200, [e.as_json() for e in changed])
        if path == "/api/template":
            if method != "POST":
                return na
            if self.admin_tokens is not None and token not in self.admin_tokens:
                return js(401, {"message": "Unauthorized"})
            try:
                tpl = json.loads(body)["template"]
            except (ValueError, KeyError, TypeError):
                return js(400, {"message": "Data should be valid JSON."})
            with self.lock:
                try:
                    return 200, self.render_template(tpl).encode(), "text/plain; charset=utf-8"
                except TemplateError as ex:
                    return js(400, {"message": "Error rendering template: %s" % ex})
        if path == "/api/conversation/process":
            if method != "POST":
                return na
            try:
                req = json.loads(body)
                text = req["text"]
            except (ValueError, KeyError, TypeError):
                return js(400, {"message": "Message format incorrect"})
            with self.lock:
                return js(200, self.converse(req, text))
        return nf

    def config(self):
        return {"latitude": 52.52, "longitude": 13.405, "elevation": 34,
                "unit_system": {"length": "km", "accumulated_precipitation": "mm",
                                "area": "m²", "mass": "g", "pressure": "Pa",
                                "temperature": "°C", "volume": "L", "wind_speed": "m/s"},
                "location_name": "Home", "time_zone": "Europe/Berlin",
                "components": ["alexa", "api", "automation", "conversation", "http",
                               "input_boolean", "input_number", "input_select", "input_text",
                               "light", "notify", "script", "timer", "tts"],
                "config_dir": "/config", "allowlist_external_dirs": [],
                "allowlist_external_urls": [], "version": HA_VERSION,
                "config_source": "storage", "recovery_mode": False, "state": "RUNNING",
                "external_url": None, "internal_url": None, "currency": "EUR",
                "country": "DE", "language": "en", "safe_mode": False, "debug": False,
                "radius": 100}

    # -- entity actions (shared by Alexa handlers and services) ---------------------------
    def light_on(self, e, brightness=None, hs=None, ct=None):
        a, p = e.attributes, e.priv
        e.set_state("on")
        modes = a.get("supported_color_modes", [])
        if "onoff" in modes:
            return
        b = brightness if brightness is not None else p.get("last_brightness", 255)
        b = int(clamp(b, 1, 255))
        a["brightness"] = b
        p["last_brightness"] = b
        if hs is not None and "hs" in modes:
            p["hs"] = hs
            a["color_mode"] = "hs"
        elif ct is not None and "color_temp" in modes:
            p["ct"] = ct
            a["color_mode"] = "color_temp"
        elif a.get("color_mode") is None:
            a["color_mode"] = "color_temp" if "color_temp" in modes else (
                "hs" if "hs" in modes else "brightness")
        if "hs" in modes:
            a["hs_color"] = [round(p["hs"][0], 3), round(p["hs"][1], 3)]
        if "color_temp" in modes:
            a["color_temp_kelvin"] = p["ct"]
        self.record_service("light", "turn_on", {"entity_id": e.entity_id})

    def light_off(self, e):
        e.set_state("off")
        for k in ("brightness", "hs_color", "color_temp_kelvin", "color_mode"):
            if k in e.attributes:
                e.attributes[k] = None

    def svc_fan(self, e, service, data):
        a, p = e.attributes, e.priv
        if service == "turn_on":
            pct = data.get("percentage", p.get("last_percentage") or 50)
            service, data = "set_percentage", {"percentage": pct}
        if service == "turn_off":
            e.set_state("off")
            a["percentage"] = 0
            return
        if service == "set_percentage":
            pct = int(clamp(int(data["percentage"]), 0, 100))
            a["percentage"] = pct
            if pct == 0:
                e.set_state("off")
            else:
                p["last_percentage"] = pct
                e.set_state("on")
            return
        raise ServiceError("Service fan.%s not found." % service)

    # -- services -------------------------------------------------------------------------
    def _targets(self, data, domain=None):
        ids = data.get("entity_id")
        if ids is None and data.get("area_id"):
            areas = data["area_id"] if isinstance(data["area_id"], list) else [data["area_id"]]
            ids = [e.entity_id for e in self.entities.values() if e.area in areas]
        if ids is None:
            return []
        if isinstance(ids, str):
            ids = [i.strip() for i in ids.split(",")]
        out = []
        for i in ids:
            e = self.entities.get(i)
            if e is None or (domain and e.domain != domain):
                continue  # HA ignores unknown entity ids (logs a warning)
            out.append(e)
        return out

    def call_service(self, domain, service, data):
        self.record_service(domain, service, data)
        changed = []

        def need(key):
            if key not in data:
                raise ServiceError("required key not provided @ data['%s']" % key)
            return data[key]

        if domain == "homeassistant" and service in ("turn_on", "turn_off", "toggle"):
            for e in self._targets(data):
                svc = service
                if service == "toggle":
                    svc = "turn_off" if e.state in ("on", "open", "playing") else "turn_on"
                if e.domain in ("light", "switch", "fan", "input_boolean", "automation",
                                "script", "media_player"):
                    self.call_service(e.domain, svc, {"entity_id": e.entity_id})
                    changed.append(e)
            return changed
        if service in ("turn_on", "turn_off", "toggle") and domain in (
                "light", "switch", "fan", "input_boolean", "automation", "script",
                "media_player"):
            for e in self._targets(data, domain):
                svc = service
                if svc == "toggle":
                    svc = "turn_off" if e.state == "on" else "turn_on"
                if domain == "light":
                    if svc == "turn_on":
                        b = None
                        if "brightness_pct" in data:
                            b = round(float(data["brightness_pct"]) * 255 / 100)
                        elif "brightness" in data:
                            b = int(data["brightness"])
                        if b == 0:
                            self.light_off(e)
                        else:
                            self.light_on(e, brightness=b)
                    else:
                        self.light_off(e)
                elif domain == "fan":
                    self.svc_fan(e, svc, data)
                elif domain == "script" and svc == "turn_on":
                    e.attributes["last_triggered"] = ha_time()
                    e.set_state("off")  # ran to completion
                else:
                    e.set_state("on" if svc == "turn_on" else "off")
                changed.append(e)
            return changed
        if domain == "script" and service not in ("reload",):
            e = self.entities.get("script." + service)
            if e is None:
                raise ServiceError("Service script.%s not found." % service)
            e.attributes["last_triggered"] = ha_time()
            e.touch()
            return [e]
        if domain == "automation" and service == "trigger":
            for e in self._targets(data, "automation"):
                e.attributes["last_triggered"] = ha_time()
                e.touch()
                changed.append(e)
            return changed
        if domain == "input_select" and service == "select_option":
            opt = need("option")
            for e in self._targets(data, "input_select"):
                if opt not in e.attributes["options"]:
                    raise ServiceError("Invalid option: %s (possible options: %s)"
                                       % (opt, ", ".join(e.attributes["options"])))
                e.set_state(opt)
                changed.append(e)
            return changed
        if domain == "input_number" and service == "set_value":
            try:
                v = float(need("value"))
            except (TypeError, ValueError):
                raise ServiceError("expected float for dictionary value @ data['value']")
            for e in self._targets(data, "input_number"):
                a = e.attributes
                if not a["min"] <= v <= a["max"]:
                    raise ServiceError("Invalid value for %s: %s (range %s - %s)"
                                       % (e.entity_id, num(v), num(a["min"]), num(a["max"])))
                steps = (v - a["min"]) / a["step"]
                if abs(steps - round(steps)) > 1e-9:
                    raise ServiceError("Invalid value for %s: %s (step %s)"
                                       % (e.entity_id, num(v), num(a["step"])))
                e.set_state(str(float(v)))
                changed.append(e)
            return changed
        if domain == "input_text" and service == "set_value":
            v = str(need("value"))
            for e in self._targets(data, "input_text"):
                a = e.attributes
                if not a["min"] <= len(v) <= a["max"]:
                    raise ServiceError("Invalid value for %s: %s (length range %s - %s)"
                                       % (e.entity_id, v, a["min"], a["max"]))
                e.set_state(v)
                changed.append(e)
            return changed
        if domain == "timer" and service in ("start", "pause", "cancel", "finish", "change"):
            for e in self._targets(data, "timer"):
                a = e.attributes
                if service == "start":
                    dur = data.get("duration", a["duration"])
                    if not re.fullmatch(r"\d{1,2}:\d{2}:\d{2}", str(dur)) and \
                            not str(dur).isdigit():
                        raise ServiceError("offset %s should be format 'HH:MM', "
                                           "'HH:MM:SS' or 'HH:MM:SS.F'" % dur)
                    if str(dur).isdigit():
                        s = int(dur)
                        dur = "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
                    hh, mm, ss = (int(x) for x in str(dur).split(":"))
                    secs = hh * 3600 + mm * 60 + ss
                    a["remaining"] = "%d:%02d:%02d" % (hh, mm, ss)
                    a["finishes_at"] = (datetime.datetime.now(datetime.timezone.utc)
                                        + datetime.timedelta(seconds=secs)).isoformat()
                    if "duration" in data:
                        a["duration"] = "%d:%02d:%02d" % (hh, mm, ss)
                    e.set_state("active")
                elif service == "pause":
                    if e.state == "active":
                        e.set_state("paused")
                        a.pop("finishes_at", None)
                elif service in ("cancel", "finish"):
                    a.pop("remaining", None)
                    a.pop("finishes_at", None)
                    e.set_state("idle")
                changed.append(e)
            return changed
        if domain == "notify":
            if service not in ("notify", "mobile_app_phone", "persistent_notification"):
                raise ServiceError("Service notify.%s not found." % service)
            need("message")
            return []
        if domain == "tts" and service == "speak":
            need("message")
            need("media_player_entity_id")
            if not self._targets(data, "tts"):
                raise ServiceError("tts.speak needs an entity_id of a TTS engine")
            return []
        if domain == "scene" and service == "turn_on":
            for e in self._targets(data, "scene"):
                e.set_state(ha_time())
                changed.append(e)
            return changed
        if domain == "cover" and service in ("open_cover", "close_cover"):
            for e in self._targets(data, "cover"):
                e.set_state("open" if service == "open_cover" else "closed")
                changed.append(e)
            return changed
        if domain == "lock" and service in ("lock", "unlock"):
            for e in self._targets(data, "lock"):
                e.set_state("locked" if service == "lock" else "unlocked")
                changed.append(e)
            return changed
        if domain == "climate" and service in ("set_temperature", "set_hvac_mode"):
            for e in self._targets(data, "climate"):
                if service == "set_hvac_mode":
                    if data.get("hvac_mode") not in e.attributes["hvac_modes"]:
                        raise ServiceError("Invalid hvac_mode")
                    e.set_state(data["hvac_mode"])
                else:
                    t = float(need("temperature"))
                    if not e.attributes["min_temp"] <= t <= e.attributes["max_temp"]:
                        raise ServiceError("Provided temperature %s is not valid" % num(t))
                    e.attributes["temperature"] = t
                    e.touch()
                changed.append(e)
            return changed
        if domain == "media_player" and service in ("volume_set", "media_play",
                                                     "media_pause", "media_stop"):
            for e in self._targets(data, "media_player"):
                if service == "volume_set":
                    e.attributes["volume_level"] = float(need("volume_level"))
                    e.touch()
                else:
                    e.set_state({"media_play": "playing", "media_pause": "paused",
                                 "media_stop": "idle"}[service])
                changed.append(e)
            return changed
        raise ServiceError("Service %s.%s not found." % (domain, service))

    # -- services -------------------------------------------------------------------------
    def services(self):
        """GET /api/services: [{domain, services: {name: {name, description, fields}}}], the
        generic services plus one per script (its `fields`)."""
        doms = {}
        for e in self.entities.values():
            d = doms.setdefault(e.domain, {})
            if e.domain == "script":
                d[e.entity_id.split(".", 1)[1]] = {
                    "name": e.name, "description": "", "fields": copy.deepcopy(
                        e.priv.get("fields", {}))}
            for svc in ("turn_on", "turn_off", "toggle"):
                d.setdefault(svc, {"name": svc.replace("_", " ").title(), "description": "",
                                   "fields": {}})
        return [{"domain": k, "services": v} for k, v in sorted(doms.items())]

    # -- templates ------------------------------------------------------------------------
    def _area_id(self, name):
        n = str(name).strip().lower().replace(" ", "_")
        return n if n in AREAS else None

    def render_template(self, tpl):
        def call(expr):
            m = re.fullmatch(r"\s*([a-z_]+)\s*\((.*)\)\s*", expr, re.S)
            if not m:
                raise TemplateError("UndefinedError: '%s' is undefined" % expr.strip())
            fn, argtxt = m.group(1), m.group(2).strip()
            args = [a.strip().strip("'\"") for a in argtxt.split(",")] if argtxt else []
            if fn == "area_entities":
                aid = self._area_id(args[0]) if args else None
                if aid is None:
                    return repr([])
                return repr([e.entity_id for e in self.entities.values() if e.area == aid])
            if fn == "areas":
                return repr(list(AREAS))
            if fn == "area_name":
                a = self._area_id(args[0]) if args else None
                if a is None:
                    e = self.entities.get(args[0]) if args else None
                    a = e.area if e else None
                return AREAS.get(a, "None")
            if fn == "area_id":
                a = self._area_id(args[0]) if args else None
                return a or "None"
            if fn == "states":
                e = self.entities.get(args[0]) if args else None
                return e.state if e else "unknown"
            if fn == "state_attr":
                e = self.entities.get(args[0]) if args else None
                return str(e.attributes.get(args[1])) if e and len(args) > 1 else "None"
            if fn == "is_state":
                e = self.entities.get(args[0]) if args else None
                return str(bool(e and len(args) > 1 and e.state == args[1]))
            raise TemplateError("UndefinedError: '%s' is undefined" % fn)

        out, pos = [], 0
        for m in re.finditer(r"\{\{(.*?)\}\}", tpl, re.S):
            out.append(tpl[pos:m.start()])
            out.append(call(m.group(1)))
            pos = m.end()
        rest = tpl[pos:]
        if "{{" in rest or "{%" in rest:
            raise TemplateError("TemplateSyntaxError: unexpected end of template")
        out.append(rest)
        return "".join(out)

    # -- conversation ---------------------------------------------------------------------
    def converse(self, req, text):
        cid = req.get("conversation_id") or uuid.uuid4().hex[:26].upper()
        lang = req.get("language") or "en"
        t = text.strip().lower().rstrip(".!?")
        m = re.fullmatch(r"turn (on|off) (?:the )?(.+)", t) or \
            re.fullmatch(r"turn (?:the )?(.+) (on|off)", t)
        resp = None
        if m:
            onoff, name = (m.group(1), m.group(2)) if m.group(1) in ("on", "off") else (
                m.group(2), m.group(1))
            for e in self.entities.values():
                if e.name.lower() == name or e.entity_id.split(".", 1)[1] == \
                        name.replace(" ", "_"):
                    if e.domain in ("light", "switch", "fan", "input_boolean", "media_player"):
                        self.call_service(e.domain, "turn_" + onoff, {"entity_id": e.entity_id})
                        resp = {"response_type": "action_done", "language": lang,
                                "speech": {"plain": {"speech": "Turned %s the %s" % (onoff, e.name),
                                                     "extra_data": None}},
                                "card": {},
                                "data": {"targets": [], "success": [
                                    {"name": e.name, "type": "entity", "id": e.entity_id}],
                                         "failed": []}}
                    break
        if resp is None and re.search(r"what(?:'s| is) the (?:outdoor )?temperature", t):
            e = self.entities["sensor.outdoor_temperature"]
            resp = {"response_type": "query_answer", "language": lang,
                    "speech": {"plain": {"speech": "%s is %s °C" % (e.name, e.state),
                                         "extra_data": None}},
                    "card": {},
                    "data": {"targets": [], "success": [
                        {"name": e.name, "type": "entity", "id": e.entity_id}], "failed": []}}
        if resp is None:
            resp = {"response_type": "error", "language": lang,
                    "speech": {"plain": {"speech": "Sorry, I couldn't understand that",
                                         "extra_data": None}},
                    "card": {}, "data": {"code": "no_intent_match"}}
        self.conversations[cid] = self.conversations.get(cid, 0) + 1
        return {"response": resp, "conversation_id": cid, "continue_conversation": False}


class ServiceError(Exception):
    pass


class TemplateError(Exception):
    pass


class _NullWriter:
    def write(self, *a):
        return 0

    def flush(self):
        pass

    def read(self, *a):
        return b""

    def readline(self, *a):
        return b""

    def close(self):
        pass


def _parse_fault(spec):
    mode, _, rest = spec.partition(":")
    params = {}
    for kv in filter(None, rest.split(",")):
        k, _, v = kv.partition("=")
        try:
            v = int(v)
        except ValueError:
            try:
                v = float(v)
            except ValueError:
                pass
        params[k] = v
    return mode, params


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="ha_simulator.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Home Assistant simulator on 127.0.0.1 (Python standard library only). "
                    "Prints its URL on stdout, then serves until Ctrl-C / SIGTERM.",
        epilog="""serves (Home Assistant's shapes):
  POST /api/alexa/smart_home     Alexa Smart Home directives (the `alexa` integration)
  GET  /api/, /api/config, /api/states, /api/states/<entity_id>
  POST /api/services/<domain>/<service>, /api/template, /api/conversation/process
  a sample house: light#kitchen, switch#coffee_maker, climate#living_room, lock#front_door, ...

faults (--fault MODE[:k=v,...]; path=PREFIX limits a fault to matching paths, times=N ends it):
  status:status=503[,body=...]   answer with that status    html200   a login page, status 200
  truncated[:keep=N]             cut the reply              slow:seconds=N   answer late
  reset                          drop the connection (RST)  big:size=N       an oversized reply
  close                          read, then close (no answer)

example (a free port, never Home Assistant's own 8123: a real one may listen there):
  coproc ha_simulator.py            # prints its URL, e.g. http://127.0.0.1:41234
  read -r HA_URL <&"${COPROC[0]}"
  leec_invoke.py --event examples/events/turn_on.json --env LEEC_HA_URL=$HA_URL""")
    ap.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="its private key (PEM)")
    ap.add_argument("--client-ca", help="require client certificates signed by this CA")
    ap.add_argument("--token", action="append",
                    help="valid bearer token (repeatable; default %s)" % DEFAULT_TOKEN)
    ap.add_argument("--ban-after", type=int, default=5,
                    help="failed logins before the client IP is banned (default 5)")
    ap.add_argument("--break-discovery", metavar="RULE[:INDEX]",
                    help="break one endpoint of every Discover.Response (%s)" % ", ".join(
                        sorted(DISCOVERY_BREAKS)))
    ap.add_argument("--fault", default="none",
                    help="MODE[:k=v,...] e.g. status:status=503, slow:seconds=9, big:size=9000")
    ap.add_argument("--no-sample-devices", action="store_true",
                    help="no 'Sample Device' endpoint in discovery")
    ap.add_argument("--verbose", "-v", action="store_true", help="log every request on stderr")
    a = ap.parse_args(argv)
    if bool(a.tls_cert) != bool(a.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    sim = HASimulator(tokens=a.token, port=a.port, tls_cert=a.tls_cert, tls_key=a.tls_key,
                      require_client_cert_ca=a.client_ca, ban_after=a.ban_after,
                      sample_devices=not a.no_sample_devices, verbose=a.verbose)
    mode, params = _parse_fault(a.fault)
    sim.set_fault(mode, **params)
    if a.break_discovery:
        rule, _, index = a.break_discovery.partition(":")
        sim.break_discovery(rule, int(index or 0))
    try:
        sim.start()
    except OSError as e:  # the port is taken (a real Home Assistant on 8123?): one line
        if e.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise
        print("ha_simulator.py: cannot listen on 127.0.0.1:%d: %s (leave out --port to "
              "take a free port)" % (a.port, e.strerror or e), file=sys.stderr)
        return 2
    serve_until_terminated(sim.url, sim.stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())

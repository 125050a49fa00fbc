#!/usr/bin/env python3
"""Writes platform.json: a 32-service marketplace platform (edge, BFFs, domain services, shared
utilities, async workers) for the scenario suite. Run it after changing the structure below; the
JSON is what scenarios extend."""
import json
import os


def grpc(name, instances=2, workers=48, host=None, ops=None, **extra):
    spec = {"name": name, "protocol": "grpc", "instances": instances, "workers": workers,
            "version": "1.%d.0" % (len(name) % 7), "timeoutMs": 600,
            "retry": {"max": 1, "backoffMs": 25, "jitter": 0.5, "budget": 0.2},
            "operations": ops or []}
    if host:
        spec["host"] = host
    spec.update(extra)
    return spec


def http(name, instances=1, workers=40, host=None, ops=None, **extra):
    spec = grpc(name, instances, workers, host, ops, **extra)
    spec["protocol"] = "http"
    return spec


def op(name, ms, *steps, sigma=0.35):
    return {"name": name, "work": {"meanMs": ms, "sigma": sigma}, "steps": list(steps)}


def call(service, operation, **extra):
    return dict({"call": service, "operation": operation}, **extra)


def query(dependency, statement="SELECT"):
    return {"query": dependency, "statement": statement}


def produce(queue):
    return {"produce": queue}


def parallel(*steps):
    return {"parallel": list(steps)}


services = [
    http("edge-proxy", instances=3, workers=400, timeoutMs=4000, queueLimit=5000, retry={"max": 0},
         ops=[op("GET /search", 0.4, call("web-bff", "GET /search")),
              op("GET /listing", 0.4, call("web-bff", "GET /listing")),
              op("POST /booking", 0.5, call("mobile-bff", "POST /booking")),
              op("GET /partner/availability", 0.4, call("partner-api", "GET /availability")),
              op("GET /admin/report", 0.4, call("admin-api", "GET /report"))]),
    http("web-bff", instances=2, workers=200, timeoutMs=2000, host="node-1",
         ops=[op("GET /search", 1.5, call("auth", "AuthService/Verify"),
                 call("search", "SearchService/Query"),
                 call("feature-flags", "GET /flags", optional=True, timeoutMs=100),
                 produce("events")),
              op("GET /listing", 1.2, call("auth", "AuthService/Verify"),
                 parallel(call("listings", "ListingService/Get"),
                          call("reviews", "ReviewService/Summary"),
                          call("pricing-engine", "PricingService/Price")),
                 produce("events"))]),
    http("mobile-bff", instances=2, workers=200, timeoutMs=3000, host="node-1",
         ops=[op("POST /booking", 2.0, call("auth", "AuthService/Verify"),
                 call("bookings", "BookingService/Create", timeoutMs=2500))]),
    http("partner-api", instances=1, workers=100, timeoutMs=2000, host="node-2",
         ops=[op("GET /availability", 1.0, call("rate-limiter", "GET /allow", timeoutMs=100),
                 call("availability", "AvailabilityService/Check"))]),
    http("admin-api", instances=1, workers=40, timeoutMs=5000, host="node-2",
         ops=[op("GET /report", 3.0, call("invoices", "InvoiceService/List"),
                 call("audit-log", "AuditService/Query"))]),
    grpc("auth", instances=2, host="node-2",
         ops=[op("AuthService/Verify", 0.8, query("hot-cache", "GET"),
                 call("users", "UserService/Get", probability=0.1))]),
    grpc("users", host="node-3", ops=[op("UserService/Get", 0.6, query("core-db"))]),
    grpc("profiles", host="node-3", ops=[op("ProfileService/Get", 0.7, query("core-db"),
                                            call("media", "MediaService/Url"))]),
    grpc("search", instances=3, workers=64, host="node-1",
         ops=[op("SearchService/Query", 4.0, query("search-index", "search"),
                 call("ml-ranker", "RankerService/Rank"),
                 call("geo", "GeoService/Resolve", probability=0.5),
                 call("translation", "GET /translate", probability=0.2, optional=True))]),
    grpc("listings", instances=2, host="node-3",
         ops=[op("ListingService/Get", 1.0, query("hot-cache", "GET"), query("core-db"),
                 call("media", "MediaService/Url", repeat=2), call("profiles", "ProfileService/Get"))]),
    grpc("pricing-engine", host="node-4",
         ops=[op("PricingService/Price", 1.5, call("promotions", "PromotionService/Applicable"),
                 call("config-service", "GET /config", optional=True, timeoutMs=100))]),
    grpc("promotions", host="node-4", ops=[op("PromotionService/Applicable", 0.8, query("hot-cache", "GET"))]),
    grpc("orders", host="node-4",
         ops=[op("OrderService/Create", 2.0, call("id-service", "GET /id"), query("core-db", "INSERT"),
                 produce("notifications"))]),
    grpc("invoices", host="node-4",
         ops=[op("InvoiceService/List", 3.0, query("billing-db")),
              op("InvoiceService/Create", 1.5, query("billing-db", "INSERT"))]),
    grpc("billing", host="node-4", timeoutMs=1500,
         ops=[op("BillingService/Charge", 6.0, call("subscriptions", "SubscriptionService/Get"),
                 call("invoices", "InvoiceService/Create"), query("billing-db", "UPDATE"))]),
    grpc("subscriptions", host="node-3", ops=[op("SubscriptionService/Get", 0.8, query("billing-db"))]),
    grpc("reviews", host="node-3", ops=[op("ReviewService/Summary", 1.0, query("core-db"))]),
    grpc("media", instances=2, host="node-2", ops=[op("MediaService/Url", 0.3, query("hot-cache", "GET"))]),
    grpc("geo", host="node-2", ops=[op("GeoService/Resolve", 0.5)]),
    grpc("availability", instances=2, host="node-3",
         ops=[op("AvailabilityService/Check", 1.5, query("core-db"), call("listings", "ListingService/Get"))]),
    grpc("bookings", instances=2, host="node-4", timeoutMs=1200,
         ops=[op("BookingService/Create", 2.5, call("availability", "AvailabilityService/Check"),
                 call("billing", "BillingService/Charge", timeoutMs=2000),
                 call("orders", "OrderService/Create"), produce("media-jobs"))]),
    http("id-service", host="node-2", ops=[op("GET /id", 0.2)]),
    http("feature-flags", host="node-1", ops=[op("GET /flags", 0.3)]),
    http("config-service", host="node-1", ops=[op("GET /config", 0.3)]),
    http("rate-limiter", host="node-2", ops=[op("GET /allow", 0.2, query("hot-cache", "INCR"))]),
    grpc("audit-log", host="node-3", ops=[op("AuditService/Query", 5.0, query("core-db"))]),
    grpc("ml-ranker", instances=2, workers=32, host="node-1", ops=[op("RankerService/Rank", 6.0, sigma=0.25)]),
    http("translation", host="node-2", ops=[op("GET /translate", 2.0)]),
    http("email-sender", host="node-3", ops=[op("send email", 4.0)]),
    http("sms-sender", host="node-3", ops=[op("send sms", 3.0)]),
    http("analytics-ingest", instances=2, host="node-4", ops=[op("ingest event", 1.0, query("core-db", "INSERT"))]),
    http("thumbnailer", host="node-2", ops=[op("render thumbnail", 15.0, call("media", "MediaService/Url"))]),
]

system = {
    "topology": "platform",
    "durationSeconds": 300,
    "hosts": [{"name": "node-%d" % i, "cores": 16} for i in range(1, 5)],
    "dependencies": [
        {"name": "core-db", "kind": "database", "system": "postgresql", "namespace": "core", "connections": 48, "work": {"meanMs": 1.8, "sigma": 0.4}},
        {"name": "billing-db", "kind": "database", "system": "mysql", "namespace": "billing", "connections": 16, "work": {"meanMs": 2.5, "sigma": 0.4}},
        {"name": "hot-cache", "kind": "cache", "system": "redis", "namespace": "0", "connections": 96, "work": {"meanMs": 0.25, "sigma": 0.3}},
        {"name": "search-index", "kind": "database", "system": "elasticsearch", "namespace": "listings", "connections": 32, "work": {"meanMs": 5.0, "sigma": 0.4}},
    ],
    "queues": [
        {"name": "events", "system": "kafka", "consumers": [
            {"service": "analytics-ingest", "operation": "ingest event", "group": "analytics", "concurrency": 4, "link": True}]},
        {"name": "notifications", "system": "rabbitmq", "consumers": [
            {"service": "email-sender", "operation": "send email", "group": "email", "concurrency": 2},
            {"service": "sms-sender", "operation": "send sms", "group": "sms", "concurrency": 2}]},
        {"name": "media-jobs", "system": "kafka", "consumers": [
            {"service": "thumbnailer", "operation": "render thumbnail", "group": "thumbnailer", "concurrency": 1}]},
    ],
    "services": services,
    "load": [
        {"service": "edge-proxy", "operation": "GET /search", "rate": 40, "shape": "diurnal", "periodSeconds": 1200, "amplitude": 0.15},
        {"service": "edge-proxy", "operation": "GET /listing", "rate": 30},
        {"service": "edge-proxy", "operation": "POST /booking", "rate": 5},
        {"service": "edge-proxy", "operation": "GET /partner/availability", "rate": 15},
        {"service": "edge-proxy", "operation": "GET /admin/report", "rate": 1},
    ],
}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "platform.json"), "w") as out:
    json.dump(system, out, indent=1)
    out.write("\n")

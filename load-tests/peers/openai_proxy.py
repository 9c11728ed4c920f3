"""An OpenAI-style proxy in Python, shaped like the common ones (FastAPI in front, httpx to the
model server): the peer of Meridian's gateway in load-tests/bin/proxy-overhead.

It relays every request to one upstream (PEER_UPSTREAM, e.g. http://127.0.0.1:8000) over one
pooled, kept-alive httpx client and answers with the upstream's status, body and content type.
It does what such a proxy does on every request and no more: parse the JSON body of a POST (as a
proxy that reads the model name does), forward, relay. No routing, limits or metrics.

    PEER_UPSTREAM=http://127.0.0.1:8000 uvicorn openai_proxy:app --port 9000 --workers 2
"""
import json
import os

import httpx
from fastapi import FastAPI, Request, Response

UPSTREAM = os.environ["PEER_UPSTREAM"]
app = FastAPI()
client: httpx.AsyncClient | None = None


@app.on_event("startup")
async def open_client() -> None:
    global client
    client = httpx.AsyncClient(base_url=UPSTREAM, timeout=60.0,
                               limits=httpx.Limits(max_connections=256, max_keepalive_connections=256))


@app.on_event("shutdown")
async def close_client() -> None:
    if client is not None:
        await client.aclose()


@app.api_route("/{path:path}", methods=["GET", "POST"])
async def relay(path: str, request: Request) -> Response:
    body = await request.body()
    if request.method == "POST" and body:
        json.loads(body)  # what a proxy that routes on the model reads
    upstream = await client.request(request.method, "/" + path, content=body,
                                    headers={"content-type": request.headers.get("content-type", "application/json")})
    return Response(content=upstream.content, status_code=upstream.status_code,
                    media_type=upstream.headers.get("content-type"))

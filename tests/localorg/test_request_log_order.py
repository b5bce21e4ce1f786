"""The request log line is written before the reply goes out, so a client that exits on its last
reply (cci at the end of a flow) never finds the log short of its last request (benchmarks count it)."""

from localorg import server as server_module
from localorg.requestlog import read_log
from tests.localorg.test_server import live, org  # noqa: F401  (fixtures)


def test_line_is_in_the_log_when_the_reply_starts(live, monkeypatch):  # noqa: F811
    server, session, log = live
    seen = []
    real = server_module._Handler.send_response

    def send_response(self, *args, **kwargs):
        seen.append([(line["method"], line["path"]) for line in read_log(log)])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(server_module._Handler, "send_response", send_response)
    url = f"https://127.0.0.1:{server.port}"
    assert session.get(url + "/services/data").status_code == 401
    assert session.get(url + "/services/data/v63.0/sobjects").status_code == 401
    assert seen == [[("GET", "/services/data")], [("GET", "/services/data"), ("GET", "/services/data/v63.0/sobjects")]]

"""moto's AWS emulator on 127.0.0.1 for slo's tests, with one test-only knob.

Started by tests/support/moto-server.ts: binds an ephemeral port, prints it as one line, records
every request (moto's recorder, to the file named by MOTO_RECORDER_FILEPATH) and exits when its
standard input closes, so a test process that dies never leaves it behind.

The knob: moto's ECS containers always exit with 0 and stay PENDING. Here a container follows its
task's status, and exits with the integer of the task definition's container label
`slo-test-exit-code` (default 0). With the label `slo-test-exit-when` as well, that code applies
only to tasks whose overridden command, joined by spaces, contains the label's text (the other
tasks exit with 0): one failing task among several.
"""

import sys

from moto.ecs import models as ecs
from moto.server import ThreadedMotoServer

_original_task_init = ecs.Task.__init__


def _command(overrides):
    for container in (overrides or {}).get("containerOverrides") or []:
        if container.get("command"):
            return " ".join(container["command"])
    return ""


def _task_init(self, *args, **kwargs):
    _original_task_init(self, *args, **kwargs)
    definition = kwargs["task_definition"].container_definitions[0]
    labels = definition.get("dockerLabels") or {}
    code = int(labels.get("slo-test-exit-code", "0"))
    when = labels.get("slo-test-exit-when")
    if when is not None and when not in _command(self.overrides):
        code = 0
    for container in self.containers:
        container.exitCode = code
        container.slo_task = self


def _container_status(self):
    task = getattr(self, "slo_task", None)
    return task.last_status if task is not None else self.__dict__.get("slo_status")


def _set_container_status(self, value):
    self.__dict__["slo_status"] = value


ecs.Task.__init__ = _task_init
ecs.Container.last_status = property(_container_status, _set_container_status)


def main():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(port, flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()

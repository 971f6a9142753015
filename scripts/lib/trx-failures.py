#!/usr/bin/python3
"""Prints every failed or aborted test of the given .trx files, with its message and the start of its stack trace.

scripts/test calls it when dotnet test fails, so that the last lines of a CI log name what failed (the console
logger prints a failure where it happens, possibly thousands of lines before the end)."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
failed = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    for result in root.iterfind(".//t:UnitTestResult", NS):
        outcome = result.get("outcome", "")
        if outcome in ("Passed", "NotExecuted"):
            continue
        failed += 1
        print(f"FAILED ({outcome}) {result.get('testName')} [{result.get('duration')}]")
        message = result.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        stack = result.findtext(".//t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        for line in message.splitlines()[:15]:
            print(f"    {line}")
        for line in stack.splitlines()[:8]:
            print(f"    {line}")
    summary = root.find(".//t:ResultSummary", NS)
    if summary is not None and summary.get("outcome") not in ("Completed", None):
        for message in summary.iterfind(".//t:RunInfo/t:Text", NS):
            print(f"{path}: {summary.get('outcome')}: {(message.text or '').strip()[:500]}")
print(f"{failed} failed test(s) in {len(sys.argv) - 1} result file(s)")

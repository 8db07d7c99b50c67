#!/usr/bin/env python3
"""Writes a synthetic HR export (Tavle's import format) with N rows to standard output:
a unit tree three levels deep and managers by employee number (teams of twelve)."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
print("employee_number;given_name;family_name;email;birth_date;unit;position;manager_employee_number;start_date;end_date")
given = ["Kari", "Ola", "Ingrid", "Lars", "Anne", "Per", "Sofie", "Jonas"]
family = ["Hansen", "Olsen", "Berg", "Dahl", "Lie", "Moe", "Strand", "Bakke"]
for i in range(n):
    team, dept = i // 12, i // 72
    unit = f"Sektor {dept % 8 + 1}/Avdeling {dept + 1}/Team {team + 1}"
    if i == 0:
        manager = ""
    elif i % 12:
        manager = f"E{team * 12:06d}"
    elif i % 72:
        manager = f"E{dept * 72:06d}"
    else:
        manager = "E000000"
    print(f"E{i:06d};{given[i % 8]};{family[i // 8 % 8]};e{i}@import.example;{1960 + i % 45}-0{1 + i % 9}-1{i % 9};"
          f"{unit};Rådgiver;{manager};01.0{1 + i % 9}.2020;")

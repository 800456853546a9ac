-- One database per service on the shared PostgreSQL container.
create database fhir;
create database consent;
create database audit;

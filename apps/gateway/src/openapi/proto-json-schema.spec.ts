import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtoJsonSchemas } from './proto-json-schema';

const PROTO = `
syntax = "proto3";

package portcullis.sample.v1;

import "google/protobuf/timestamp.proto";

// Colour of a thing.
enum Colour {
  COLOUR_UNSPECIFIED = 0;
  COLOUR_RED = 1;
}

// Thing is a sample message
// with a comment over two lines.
message Thing {
  // Its id.
  string thing_id = 1;
  int64 big_count = 2;
  uint64 unsigned_count = 3;
  int32 small_count = 4;
  bool on = 5;
  double ratio = 6;
  bytes blob = 7;
  Colour colour = 8;
  repeated string tags = 9;
  map<string, Part> parts_by_name = 10;
  map<int32, string> names_by_number = 11;
  google.protobuf.Timestamp create_time = 12;
  oneof kind {
    Part part = 13;
    string label = 14;
  }
  optional int32 weight = 15;
  repeated Thing children = 16;
}

message Part {
  string name = 1;
}

// Another Tenant, to collide with the primary package's.
message Tenant {
  string id = 1;
}
`;

const PRIMARY = `
syntax = "proto3";

package portcullis.primary.v1;

import "sample.proto";

message Tenant {
  portcullis.sample.v1.Thing thing = 1;
}
`;

describe('ProtoJsonSchemas', () => {
  let dir: string;
  let protos: ProtoJsonSchemas;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'proto-json-schema-'));
    writeFileSync(join(dir, 'sample.proto'), PROTO);
    writeFileSync(
      join(dir, 'primary.proto'),
      PRIMARY.replace('"sample.proto"', JSON.stringify(join(dir, 'sample.proto'))),
    );
    protos = new ProtoJsonSchemas([join(dir, 'primary.proto')], 'portcullis.primary.v1');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows the proto3 JSON mapping', () => {
    expect(protos.ref('portcullis.sample.v1.Thing')).toEqual({ $ref: '#/components/schemas/Thing' });
    const thing = protos.components()['Thing'];
    expect(thing).toMatchObject({
      type: 'object',
      description: 'Thing is a sample message with a comment over two lines.',
    });
    expect(thing).not.toHaveProperty('required');
    const properties = thing?.['properties'] as Record<string, unknown>;
    expect(properties).toMatchObject({
      thingId: { type: 'string', description: 'Its id.' },
      bigCount: { type: 'string', pattern: '^-?[0-9]+$' },
      unsignedCount: { type: 'string', pattern: '^[0-9]+$' },
      smallCount: { type: 'integer', format: 'int32' },
      on: { type: 'boolean' },
      ratio: { type: 'number' },
      blob: { type: 'string', contentEncoding: 'base64' },
      colour: { $ref: '#/components/schemas/Colour' },
      tags: { type: 'array', items: { type: 'string' } },
      partsByName: { type: 'object', additionalProperties: { $ref: '#/components/schemas/Part' } },
      namesByNumber: {
        type: 'object',
        propertyNames: { pattern: '^-?[0-9]+$' },
        additionalProperties: { type: 'string' },
      },
      createTime: { type: 'string', format: 'date-time' },
      part: { $ref: '#/components/schemas/Part', description: expect.stringContaining('oneof `kind`') },
      label: { type: 'string', description: expect.stringContaining('at most one is set') },
      weight: { type: 'integer' },
      children: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
    });
    // proto3 `optional` is a plain optional field, not a oneof for the reader.
    expect(properties['weight']).not.toHaveProperty('description');
    expect(protos.components()['Colour']).toEqual({
      type: 'string',
      description: 'Colour of a thing.',
      enum: ['COLOUR_UNSPECIFIED', 'COLOUR_RED'],
    });
  });

  it('keeps short names for the primary package and qualifies a colliding name elsewhere', () => {
    expect(protos.componentName('portcullis.primary.v1.Tenant')).toBe('Tenant');
    expect(protos.componentName('portcullis.sample.v1.Tenant')).toBe('portcullis.sample.v1.Tenant');
    expect(Object.keys(protos.components())).toEqual(
      expect.arrayContaining(['Tenant', 'portcullis.sample.v1.Tenant', 'Thing', 'Part', 'Colour']),
    );
  });
});

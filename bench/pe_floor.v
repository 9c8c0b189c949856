// bench/pe_floor.v - the floor of Verilator's speed for a 16x16 array
// (bench/run.sh, row e): 256 PEs that do nothing but a registered
// 16 x 16 -> 32 bit multiply-accumulate, with tessera_top's ports so
// that the harness and the shim of runtime/ run it as they run a
// generated design.  Every PE is its own module instance, kept apart as
// in the generated designs; no register files, fills, drains, counters
// or sequencer.  It runs CYCLES cycles, writes the XOR of all the sums
// to DRAM word 0 (so that no PE is optimized away) and says done.
`default_nettype none
module floor_pe (
	input wire clk,
	input wire v_i,
	input wire [15:0] a_i,
	input wire [15:0] b_i,
	output wire [31:0] acc_o
);
	/* verilator no_inline_module */
	reg v;
	reg signed [15:0] a, b;
	reg signed [31:0] acc;
	always @(posedge clk) begin
		v <= v_i;
		a <= a_i;
		b <= b_i;
		if (v) acc <= acc + a * b;
	end
	assign acc_o = acc;
endmodule

module tessera_top #(parameter CYCLES = 1000000) (
	input wire clk,
	input wire rst,
	input wire start,
	output reg done,
	output reg mem_req,
	output reg mem_we,
	output reg [31:0] mem_addr,
	output reg [31:0] mem_wdata,
	output reg [63:0] mem_tag,
	input wire mem_rvalid,
	input wire [31:0] mem_rdata,
	input wire [63:0] mem_rtag
);
	reg run;
	reg [31:0] n;
	reg [15:0] x [0:15];
	reg [15:0] w [0:15];
	wire [31:0] acc [0:255];
	integer i;
	always @(posedge clk) begin
		mem_req <= 1'b0;
		mem_we <= 1'b0;
		mem_addr <= 32'd0;
		mem_tag <= 64'd0;
		if (rst) begin
			run <= 1'b0;
			done <= 1'b0;
			n <= 32'd0;
			for (i = 0; i < 16; i = i + 1) begin
				x[i] <= i[15:0];
				w[i] <= 16'd1 + i[15:0];
			end
		end else if (start) begin
			run <= 1'b1;
		end else if (run) begin
			n <= n + 32'd1;
			for (i = 0; i < 16; i = i + 1) begin
				x[i] <= x[i] + 16'd3;
				w[i] <= w[i] ^ x[i];
			end
			if (n == CYCLES - 1) begin
				run <= 1'b0;
				mem_req <= 1'b1;
				mem_we <= 1'b1;
				mem_wdata <= sum;
				done <= 1'b1;
			end
		end
	end
	reg [31:0] sum;
	integer j;
	always @* begin
		sum = 32'd0;
		for (j = 0; j < 256; j = j + 1)
			sum = sum ^ acc[j];
	end
	genvar p;
	generate for (p = 0; p < 256; p = p + 1) begin : pe
		floor_pe u (.clk(clk), .v_i(run), .a_i(x[p % 16]), .b_i(w[p / 16]),
		            .acc_o(acc[p]));
	end endgenerate
	wire unused = mem_rvalid ^ ^mem_rdata ^ ^mem_rtag;
endmodule
`default_nettype wire
